import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { loadApiConfig, type ApiConfig } from '../../apps/api/src/config';
import { openTestDatabase, type Backend, type TestDatabase } from './database';
import { dropKeys, redisUrl, uniquePrefix } from './redis';

export interface TestApi {
  app: INestApplication;
  /** Base URL of the listening API (a real socket on 127.0.0.1). */
  url: string;
  db: TestDatabase;
  config: ApiConfig;
  adminKey: string;
  /** supertest against the real listening server. */
  http: () => ReturnType<typeof request>;
  /** Creates a tenant through the operator API and returns a key with every scope. */
  createTenant(id: string, scopes?: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real API (Nest, Express, event bus on the shared Redis under a unique prefix) on a
 * fresh database of `backend`, listening on a free port.
 */
export async function startTestApi(
  backend: Backend,
  env: Record<string, string> = {},
): Promise<TestApi> {
  const db = await openTestDatabase(backend);
  const adminKey = `test_admin_${randomBytes(16).toString('hex')}`;
  const config = loadApiConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: redisUrl(),
    BUS_PREFIX: uniquePrefix('api'),
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    ADMIN_API_KEY: adminKey,
    MASTER_KEY: randomBytes(24).toString('hex'),
    API_HTTP_PORT: '0',
    // Tests' webhook receivers listen on 127.0.0.1.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const http = () => request(url);
  return {
    app,
    url,
    db,
    config,
    adminKey,
    http,
    async createTenant(id, scopes) {
      const tenant = await http()
        .post('/v1/tenants')
        .set('authorization', `Bearer ${adminKey}`)
        .send({ id, name: `Tenant ${id}` });
      if (tenant.status !== 201) throw new Error(`tenant ${id}: ${tenant.status} ${tenant.text}`);
      const key = await http()
        .post(`/v1/tenants/${id}/api-keys`)
        .set('authorization', `Bearer ${adminKey}`)
        .send({ name: 'test', ...(scopes ? { scopes } : {}) });
      if (key.status !== 201) throw new Error(`key for ${id}: ${key.status} ${key.text}`);
      return (key.body as { key: string }).key;
    },
    async close() {
      await app.close();
      await db.destroy();
      await dropKeys(config.BUS_PREFIX);
    },
  };
}
