import { Module, type DynamicModule } from '@nestjs/common';
import { ControlPlaneModule } from '@ccx/control-plane';
import { serviceFoundation } from '@ccx/event-bus';
import { DatabaseModule } from '@ccx/persistence';
import type { ServiceContext } from '@ccx/service-kit';
import type { ApiConfig } from './config';
import { apiFeatures } from './features';
import { m365Options } from './m365';
import { buildApiDocument } from './openapi';

@Module({})
export class ApiAppModule {
  static forRoot(ctx: ServiceContext, config: ApiConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          migrate: true,
        }),
        ControlPlaneModule.forRoot({
          adminApiKey: config.ADMIN_API_KEY,
          masterKey: config.MASTER_KEY,
          openApiDocument: buildApiDocument(),
          promptDir: config.API_PROMPT_DIR,
          m365: m365Options(config),
        }),
        ...apiFeatures.map((feature) => feature.module(config)),
      ],
    };
  }
}
