import { runService } from '@ccx/service-kit';
import { SbcAppModule } from './app.module';
import { loadSbcConfig } from './config';

runService({
  name: 'sbc',
  loadConfig: () => loadSbcConfig(process.env, process.argv.slice(2)),
  http: (c) => ({ port: c.SBC_HTTP_PORT, host: c.SBC_HTTP_HOST }),
  module: (ctx, c) => SbcAppModule.forRoot(ctx, c),
});
