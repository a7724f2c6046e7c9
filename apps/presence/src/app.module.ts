import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@ccx/event-bus';
import { LiveConfigModule } from '@ccx/live-config';
import type { ServiceContext } from '@ccx/service-kit';
import type { PresenceConfig } from './config';

@Module({})
export class PresenceAppModule {
  static forRoot(ctx: ServiceContext, config: PresenceConfig): DynamicModule {
    return {
      module: PresenceAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        LiveConfigModule.forRoot({
          service: ctx.info.name,
          resources: ['agent'],
          databaseUrl: config.DATABASE_URL,
          busPrefix: config.BUS_PREFIX,
        }),
      ],
    };
  }
}
