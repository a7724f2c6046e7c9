import { runService } from '@ccx/service-kit';
import { RoutingAppModule } from './app.module';
import { loadRoutingConfig } from './config';

runService({
  name: 'routing',
  loadConfig: () => loadRoutingConfig(),
  http: (c) => ({ port: c.ROUTING_HTTP_PORT, host: c.ROUTING_HTTP_HOST }),
  module: (ctx, c) => RoutingAppModule.forRoot(ctx, c),
});
