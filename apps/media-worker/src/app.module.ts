import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@ccx/event-bus';
import type { ServiceContext } from '@ccx/service-kit';
import type { MediaWorkerConfig } from './config';
import { MediaModule } from './media.module';

@Module({})
export class MediaWorkerAppModule {
  static forRoot(ctx: ServiceContext, config: MediaWorkerConfig): DynamicModule {
    return {
      module: MediaWorkerAppModule,
      imports: [...serviceFoundation(ctx, config), MediaModule.forRoot(config)],
    };
  }
}
