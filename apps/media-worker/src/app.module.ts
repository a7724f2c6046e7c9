import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type ServiceContext } from '@ccx/service-kit';
import type { MediaWorkerConfig } from './config';

@Module({})
export class MediaWorkerAppModule {
  static forRoot(ctx: ServiceContext, config: MediaWorkerConfig): DynamicModule {
    return {
      module: MediaWorkerAppModule,
      imports: [ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL })],
    };
  }
}
