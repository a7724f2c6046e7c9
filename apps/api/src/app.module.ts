import { Module, type DynamicModule } from '@nestjs/common';
import { ControlPlaneModule, DatabaseModule } from '@ccx/control-plane';
import { EventBusModule } from '@ccx/event-bus';
import { ServiceKitModule, type ServiceContext } from '@ccx/service-kit';
import type { ApiConfig } from './config';
import { apiFeatures } from './features';
import { buildApiDocument } from './openapi';

@Module({})
export class ApiAppModule {
  static forRoot(ctx: ServiceContext, config: ApiConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL }),
        EventBusModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.BUS_PREFIX,
          source: ctx.info.name,
          instanceId: ctx.info.instanceId,
        }),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          migrate: true,
        }),
        ControlPlaneModule.forRoot({
          adminApiKey: config.ADMIN_API_KEY,
          masterKey: config.MASTER_KEY,
          openApiDocument: buildApiDocument(),
        }),
        ...apiFeatures.map((feature) => feature.module(config)),
      ],
    };
  }
}
