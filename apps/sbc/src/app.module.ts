import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type ServiceContext } from '@ccx/service-kit';
import type { SbcConfig } from './config';

@Module({})
export class SbcAppModule {
  static forRoot(ctx: ServiceContext, config: SbcConfig): DynamicModule {
    return {
      module: SbcAppModule,
      imports: [ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL })],
    };
  }
}
