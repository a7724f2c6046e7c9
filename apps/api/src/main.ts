import { ConfigError, describeConfig } from '@ccx/config';
import { createServiceContext } from '@ccx/service-kit';
import { loadApiConfig, type ApiConfig } from './config';
import { startApi } from './create-api-app';

let config: Readonly<ApiConfig>;
try {
  config = loadApiConfig();
} catch (err) {
  console.error(`api: ${err instanceof ConfigError ? err.message : String(err)}`);
  process.exit(2);
}
const ctx = createServiceContext('api', config.LOG_LEVEL, config.INSTANCE_ID);
ctx.logger.info({ config: describeConfig(config) }, 'configuration loaded');
startApi(config, ctx).catch((err: unknown) => {
  ctx.logger.fatal({ err }, 'api failed to start');
  process.exit(1);
});
