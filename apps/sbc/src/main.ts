import { runService } from '@ccx/service-kit';
import { SbcAppModule } from './app.module';
import { loadSbcConfig } from './config';

runService({
  name: 'sbc',
  loadConfig: () => loadSbcConfig(),
  http: (c) => ({ port: c.SBC_HTTP_PORT, host: c.SBC_HTTP_HOST }),
  module: (ctx, c) => SbcAppModule.forRoot(ctx, c),
});
