import { createServiceContext, startHttpService } from '@ccx/service-kit';
import { RoutingAppModule } from './app.module';
import { loadRoutingConfig } from './config';

async function main() {
  const config = loadRoutingConfig();
  const ctx = createServiceContext('routing', config.LOG_LEVEL, config.INSTANCE_ID);
  await startHttpService(ctx, RoutingAppModule.forRoot(ctx, config), {
    port: config.ROUTING_HTTP_PORT,
    host: config.ROUTING_HTTP_HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
