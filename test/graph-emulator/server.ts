import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { Router } from 'express';
import { makeTestCa } from '../support/test-ca';
import { EmulatorClock } from './clock';
import type { EmulatorContext, EmulatorPart } from './context';
import { Directory } from './directory';
import { TokenSigner } from './tokens';

export interface GraphEmulator extends EmulatorContext {
  /** host:port (MSAL knownAuthorities, Graph client customHosts). */
  host: string;
  /** https://host:port */
  url: string;
  /** https://host:port/v1.0 */
  graphBaseUrl: string;
  /** The test CA that signed the emulator's certificate (PEM), for clients to trust. */
  caPem: string;
  caPath: string;
  close(): Promise<void>;
}

export interface GraphEmulatorOptions {
  /** Default 127.0.0.1; the certificate names localhost, 127.0.0.1 and ::1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Parts to mount; default every part the emulator has. */
  parts?: EmulatorPart[];
}

export async function startGraphEmulator(
  options: GraphEmulatorOptions = {},
): Promise<GraphEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-m365-'));
  const ca = makeTestCa(dir, 'ccx Microsoft 365 emulator test CA');
  const cert = ca.issue(['localhost'], { ips: ['127.0.0.1', '::1'], file: 'emulator' });
  const clock = new EmulatorClock();
  const directory = new Directory();
  const signer = await TokenSigner.create(clock);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const router = Router();
  app.use(router);
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, app);
  const bindHost = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`;
  const url = `https://${host}`;
  const ctx: EmulatorContext = { clock, directory, signer, baseUrl: url };
  const parts = options.parts ?? (await defaultParts());
  const teardowns: (() => Promise<void>)[] = [];
  for (const part of parts) {
    const teardown = part(router, ctx);
    if (teardown) teardowns.push(teardown);
  }
  return {
    ...ctx,
    host,
    url,
    graphBaseUrl: `${url}/v1.0`,
    caPem: ca.caCert,
    caPath: ca.caPath,
    close: async () => {
      for (const teardown of teardowns) await teardown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every part, loaded lazily so a part under construction does not break the others. */
async function defaultParts(): Promise<EmulatorPart[]> {
  const parts: EmulatorPart[] = [];
  const { mountEntra } = await import('./entra');
  parts.push(mountEntra);
  const { mountGraph } = await import('./graph');
  parts.push(mountGraph);
  return parts;
}
