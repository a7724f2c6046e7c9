import { Module, type DynamicModule } from '@nestjs/common';
import { EventBusModule } from '@ccx/event-bus';
import { LiveConfigModule } from '@ccx/live-config';
import { ServiceKitModule, type ServiceContext } from '@ccx/service-kit';
import type { RoutingConfig } from './config';

@Module({})
export class RoutingAppModule {
  static forRoot(ctx: ServiceContext, config: RoutingConfig): DynamicModule {
    return {
      module: RoutingAppModule,
      imports: [
        ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL }),
        EventBusModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.BUS_PREFIX,
          source: ctx.info.name,
          instanceId: ctx.info.instanceId,
        }),
        LiveConfigModule.forRoot({
          service: ctx.info.name,
          resources: ['skill', 'queue', 'agent'],
          databaseUrl: config.DATABASE_URL,
          busPrefix: config.BUS_PREFIX,
        }),
      ],
    };
  }
}
