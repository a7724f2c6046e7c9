import { runService } from '@ccx/service-kit';
import { PresenceAppModule } from './app.module';
import { loadPresenceConfig } from './config';

runService({
  name: 'presence',
  loadConfig: () => loadPresenceConfig(),
  http: (c) => ({ port: c.PRESENCE_HTTP_PORT, host: c.PRESENCE_HTTP_HOST }),
  module: (ctx, c) => PresenceAppModule.forRoot(ctx, c),
});
