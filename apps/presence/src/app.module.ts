import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type ServiceContext } from '@ccx/service-kit';
import type { PresenceConfig } from './config';

@Module({})
export class PresenceAppModule {
  static forRoot(ctx: ServiceContext, config: PresenceConfig): DynamicModule {
    return {
      module: PresenceAppModule,
      imports: [ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL })],
    };
  }
}
