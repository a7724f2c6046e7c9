import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@ccx/event-bus';
import { LiveConfigModule } from '@ccx/live-config';
import { DatabaseModule } from '@ccx/persistence';
import type { ServiceContext } from '@ccx/service-kit';
import type { SbcConfig } from './config';
import { MediaWorkersModule } from './media-workers.module';

@Module({})
export class SbcAppModule {
  static forRoot(ctx: ServiceContext, config: SbcConfig): DynamicModule {
    return {
      module: SbcAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: 4 }),
        LiveConfigModule.forRoot({
          service: ctx.info.name,
          resources: ['tenant', 'site', 'trunk', 'number-range'],
          busPrefix: config.BUS_PREFIX,
        }),
        MediaWorkersModule.forRoot(config.BUS_PREFIX),
      ],
    };
  }
}
