import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@ccx/event-bus';
import { LiveConfigModule } from '@ccx/live-config';
import { DatabaseModule } from '@ccx/persistence';
import type { ServiceContext } from '@ccx/service-kit';
import type { PresenceConfig } from './config';
import { PresenceModule } from './presence/presence.module';

@Module({})
export class PresenceAppModule {
  static forRoot(ctx: ServiceContext, config: PresenceConfig): DynamicModule {
    const live = LiveConfigModule.forRoot({
      service: ctx.info.name,
      resources: ['agent', 'expert'],
      busPrefix: config.BUS_PREFIX,
    });
    return {
      module: PresenceAppModule,
      imports: [
        ...serviceFoundation(ctx, config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: 4 }),
        live,
        PresenceModule.forRoot(config, live),
      ],
    };
  }
}
