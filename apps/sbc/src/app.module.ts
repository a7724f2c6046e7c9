import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@ccx/event-bus';
import { LiveConfigModule } from '@ccx/live-config';
import { DatabaseModule } from '@ccx/persistence';
import type { ServiceContext } from '@ccx/service-kit';
import type { SbcConfig } from './config';
import { SipModule } from './sip/sip.module';

@Module({})
export class SbcAppModule {
  static forRoot(ctx: ServiceContext, config: SbcConfig): DynamicModule {
    return {
      module: SbcAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        // With a YAML file (`--config`) the SBC runs alone: no database, no live projection.
        ...(config.DATABASE_URL && !config.SBC_CONFIG_FILE
          ? [
              DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: 4 }),
              LiveConfigModule.forRoot({
                service: ctx.info.name,
                resources: ['tenant', 'site', 'trunk', 'number-range'],
                busPrefix: config.BUS_PREFIX,
              }),
            ]
          : []),
        SipModule.forRoot(config),
      ],
    };
  }
}
