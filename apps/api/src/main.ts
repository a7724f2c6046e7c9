import { runService } from '@ccx/service-kit';
import { ApiAppModule } from './app.module';
import { loadApiConfig } from './config';
import { configureApiApp } from './create-api-app';

runService({
  name: 'api',
  loadConfig: () => loadApiConfig(),
  http: (c) => ({ port: c.API_HTTP_PORT, host: c.API_HTTP_HOST }),
  module: (ctx, c) => ApiAppModule.forRoot(ctx, c),
  configure: configureApiApp,
});
