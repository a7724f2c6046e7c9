import type { DynamicModule, INestApplication } from '@nestjs/common';
import { ConfigError, describeConfig, type CommonConfig } from '@ccx/config';
import { createServiceContext, startHttpService, type ServiceContext } from './bootstrap';

export interface ServiceSpec<C extends CommonConfig> {
  name: string;
  loadConfig: () => Readonly<C>;
  http: (config: C) => { port: number; host: string };
  module: (ctx: ServiceContext, config: C) => DynamicModule;
  /** Adapter settings applied before listening (body parsers, headers). */
  configure?: (app: INestApplication) => void;
}

/** The whole main() of a service: validated config, logger, Nest app, graceful shutdown. */
export function runService<C extends CommonConfig>(spec: ServiceSpec<C>): void {
  let config: Readonly<C>;
  try {
    config = spec.loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${spec.name}: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const ctx = createServiceContext(spec.name, config.LOG_LEVEL, config.INSTANCE_ID);
  ctx.logger.info({ config: describeConfig(config) }, 'configuration loaded');
  const { port, host } = spec.http(config);
  startHttpService(
    ctx,
    spec.module(ctx, config),
    {
      port,
      host,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    },
    spec.configure,
  ).catch((err: unknown) => {
    ctx.logger.fatal({ err }, `${spec.name} failed to start`);
    process.exit(1);
  });
}
