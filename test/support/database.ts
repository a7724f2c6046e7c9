import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  connectDatabase,
  runMigrations,
  startEmbeddedPostgres,
  type DatabaseHandle,
} from '@ccx/persistence';

export type Backend = 'pglite' | 'postgres';

/** Both backends every database test runs against. */
export const backends: Backend[] = ['pglite', 'postgres'];

export interface TestDatabase extends DatabaseHandle {
  url: string;
  backend: Backend;
  /** Drops the database (postgres) or stops the embedded server (pglite). */
  destroy(): Promise<void>;
}

const serverUrl = () =>
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database: a private PGlite, or a new database on the PostgreSQL server; migrated unless
 * `migrate` is false (for tests of a migration itself).
 */
export async function openTestDatabase(
  backend: Backend,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const embedded = await startEmbeddedPostgres();
    const handle = connectDatabase(embedded.url, 4);
    if (migrate) await runMigrations(handle);
    return {
      ...handle,
      url: embedded.url,
      backend,
      async destroy() {
        await handle.close();
        await embedded.stop();
      },
    };
  }
  const name = `ccx_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const handle = connectDatabase(url.toString(), 4);
  if (migrate) await runMigrations(handle);
  return {
    ...handle,
    url: url.toString(),
    backend,
    async destroy() {
      await handle.close();
      const c = new Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
