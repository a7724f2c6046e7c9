import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type ServiceContext } from '@ccx/service-kit';
import type { RoutingConfig } from './config';

@Module({})
export class RoutingAppModule {
  static forRoot(ctx: ServiceContext, config: RoutingConfig): DynamicModule {
    return {
      module: RoutingAppModule,
      imports: [ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL })],
    };
  }
}
