// An HTTPS front for a service that speaks plain HTTP, as an ingress would be in production:
// Graph only delivers notifications to https:// URLs. Its certificate comes from a test CA the
// caller hands to the Graph emulator (`caPem`).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCa } from './test-ca';

export interface HttpsFront {
  url: string;
  caPem: string;
  close(): Promise<void>;
}

export async function httpsFront(target: { host: string; port: number }): Promise<HttpsFront> {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-front-'));
  const ca = makeTestCa(dir, 'https front test CA');
  const cert = ca.issue(['localhost'], { ips: ['127.0.0.1'] });
  const server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const upstream = request(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: ca.caCert,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
