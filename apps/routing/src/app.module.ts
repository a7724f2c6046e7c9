import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@ccx/event-bus';
import { LiveConfigModule } from '@ccx/live-config';
import { DatabaseModule } from '@ccx/persistence';
import type { ServiceContext } from '@ccx/service-kit';
import type { RoutingConfig } from './config';
import { RoutingModule, ROUTED_RESOURCES } from './routing/routing.module';

@Module({})
export class RoutingAppModule {
  static forRoot(ctx: ServiceContext, config: RoutingConfig): DynamicModule {
    const live = LiveConfigModule.forRoot({
      service: ctx.info.name,
      resources: ROUTED_RESOURCES,
      busPrefix: config.BUS_PREFIX,
    });
    return {
      module: RoutingAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: 4 }),
        live,
        RoutingModule.forRoot(config, live),
      ],
    };
  }
}
