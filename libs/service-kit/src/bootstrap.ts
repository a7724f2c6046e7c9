import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  createLogger,
  createMetricsRegistry,
  type Logger,
  type Registry,
} from '@ccx/observability';
import { NestPinoLogger } from './nest-logger';
import type { ServiceInfo } from './tokens';

export interface ServiceContext {
  info: ServiceInfo;
  logger: Logger;
  metrics: Registry;
}

export function createServiceContext(
  name: string,
  logLevel: string,
  instanceId?: string,
): ServiceContext {
  const info: ServiceInfo = {
    name,
    instanceId: instanceId ?? `${name}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    startedAt: new Date(),
  };
  return { info, logger: createLogger(name, logLevel), metrics: createMetricsRegistry(name) };
}

export interface ListenOptions {
  port: number;
  host: string;
  shutdownTimeoutMs: number;
}

/**
 * Starts a Nest HTTP service with graceful shutdown: on SIGTERM/SIGINT the app closes its
 * modules (workers finish or return their jobs, connections close); if that takes longer than
 * the timeout the process exits anyway so an orchestrator is never left waiting.
 */
export async function startHttpService(
  ctx: ServiceContext,
  module: unknown,
  listen: ListenOptions,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, {
    logger: new NestPinoLogger(ctx.logger),
    abortOnError: false,
  });
  await configure?.(app);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      ctx.logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        ctx.logger.error({ timeoutMs: listen.shutdownTimeoutMs }, 'shutdown timed out, exiting');
        process.exit(1);
      }, listen.shutdownTimeoutMs).unref();
    });
  }
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address() as { port: number } | null;
  ctx.logger.info(
    { port: address?.port ?? listen.port, host: listen.host, instanceId: ctx.info.instanceId },
    `${ctx.info.name} listening`,
  );
  return app;
}
