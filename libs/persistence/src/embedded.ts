import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepProtocolSequencesTogether } from './pglite-queue';

export interface EmbeddedPostgres {
  /** postgres:// URL other processes connect to. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory for the data files; omit for an in-memory database. */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxConnections?: number;
}

/**
 * Starts PGlite (Postgres compiled to WASM) in this process and serves it over the Postgres wire
 * protocol, so every service, `psql` and the migration tool reach it like a real server.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedOptions = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 100,
  });
  keepProtocolSequencesTogether(server);
  await server.start();
  const port = portOf(server);
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

function portOf(server: PGLiteSocketServer): number {
  const inner = (server as unknown as { server?: { address(): { port: number } | string | null } })
    .server;
  const address = inner?.address();
  if (address && typeof address === 'object') return address.port;
  throw new Error('embedded postgres: could not read the listening port');
}
