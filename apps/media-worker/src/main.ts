import { runService } from '@ccx/service-kit';
import { MediaWorkerAppModule } from './app.module';
import { loadMediaWorkerConfig } from './config';

runService({
  name: 'media-worker',
  loadConfig: () => loadMediaWorkerConfig(),
  http: (c) => ({ port: c.MEDIA_HTTP_PORT, host: c.MEDIA_HTTP_HOST }),
  module: (ctx, c) => MediaWorkerAppModule.forRoot(ctx, c),
});
