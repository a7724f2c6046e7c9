import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceContext, NestPinoLogger, type ServiceContext } from '@ccx/service-kit';
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
 * and talk to it over a real socket; main.ts runs the same module through `runService`.
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
