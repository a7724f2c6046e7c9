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
    // With a YAML file (`--config`) the SBC runs alone: no database, no live projection.
    const followsApi = config.DATABASE_URL !== undefined && !config.SBC_CONFIG_FILE;
    const live = followsApi
      ? LiveConfigModule.forRoot({
          service: ctx.info.name,
          resources: ['tenant', 'site', 'trunk', 'number-range'],
          busPrefix: config.BUS_PREFIX,
        })
      : undefined;
    return {
      module: SbcAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        ...(live && config.DATABASE_URL
          ? [DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: 4 }), live]
          : []),
        SipModule.forRoot(config, live),
      ],
    };
  }
}
