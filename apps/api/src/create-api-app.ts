import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  createServiceContext,
  NestPinoLogger,
  startHttpService,
  type ServiceContext,
} from '@ccx/service-kit';
import { ApiAppModule } from './app.module';
import type { ApiConfig } from './config';

/** Express settings of the API: JSON bodies up to 1 MiB, no X-Powered-By. */
export function configureApiApp(nest: INestApplication): void {
  const app = nest as NestExpressApplication;
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
}

/**
 * The API as a Nest application, not yet listening: tests call `app.listen(0, '127.0.0.1')`
 * and talk to it over a real socket; `startApi` is what main.ts runs.
 */
export async function createApiApp(
  config: ApiConfig,
  ctx: ServiceContext = createServiceContext('api', config.LOG_LEVEL, config.INSTANCE_ID),
): Promise<INestApplication> {
  const app = await NestFactory.create(ApiAppModule.forRoot(ctx, config), {
    logger: new NestPinoLogger(ctx.logger),
    abortOnError: false,
  });
  configureApiApp(app);
  return app;
}

/** Starts the API on API_HTTP_HOST:API_HTTP_PORT with graceful shutdown. */
export function startApi(config: ApiConfig, ctx: ServiceContext): Promise<INestApplication> {
  return startHttpService(
    ctx,
    ApiAppModule.forRoot(ctx, config),
    {
      port: config.API_HTTP_PORT,
      host: config.API_HTTP_HOST,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    },
    configureApiApp,
  );
}
