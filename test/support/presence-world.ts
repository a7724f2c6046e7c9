// A Microsoft 365 world for presence sync: the emulator with N tenants of M users each, our
// multi-tenant app consented in all of them, an HTTPS receiver for Graph's notifications (its
// certificate from a test CA the emulator trusts), and a certificate for rich notifications.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpAgent } from '@ccx/graph';
import type { Agent } from 'undici';
import {
  startGraphEmulator,
  type EmulatedApp,
  type EmulatedTenant,
  type GraphEmulator,
} from '../graph-emulator';
import { graphOf, type GraphControl } from '../graph-emulator/graph';
import { makeTestCa } from './test-ca';

export const GRAPH_AUD = 'https://graph.microsoft.com';

export interface WorldTenant {
  tenant: EmulatedTenant;
  userIds: string[];
  /** The admin account of the delegated service sign-in. */
  serviceUserId: string;
}

export interface NotificationSink {
  changes(body: unknown): Promise<unknown>;
  lifecycle(body: unknown): Promise<unknown>;
}

export interface PresenceWorld {
  m365: GraphEmulator;
  graph: GraphControl;
  agent: Agent;
  app: EmulatedApp;
  secret: string;
  tenants: WorldTenant[];
  /** https://127.0.0.1:<port>: /graph/notifications and /graph/lifecycle go to `sink`. */
  receiverUrl: string;
  /** Where the receiver sends what it gets (set by the test). */
  sink: { current?: NotificationSink };
  /** Every body the receiver got, in order (tests replay and tamper with them). */
  received: { path: string; body: unknown }[];
  /** Work started by the receiver, so a test can wait for it. */
  idle(): Promise<void>;
  encryption: {
    certificate: string;
    certificateId: string;
    privateKey: ReturnType<typeof createPrivateKey>;
  };
  /** A delegated Graph token of the tenant's service account (as MSAL would return it). */
  delegatedToken(t: WorldTenant, scp?: string): Promise<string>;
  close(): Promise<void>;
}

export async function presenceWorld(options: {
  tenants: number;
  usersPerTenant: number;
}): Promise<PresenceWorld> {
  const m365 = await startGraphEmulator();
  const graph = graphOf(m365);
  const agent = httpAgent({ extraCaPem: m365.caPem });
  const d = m365.directory;
  const dir = mkdtempSync(join(tmpdir(), 'ccx-presence-'));
  const home = d.addTenant('ccx-vendor.example');
  const secret = `s3cret-${randomUUID()}`;
  const app = d.registerApp({
    displayName: 'ccx presence',
    homeTenantId: home.id,
    multiTenant: true,
    secrets: [secret],
  });
  const tenants: WorldTenant[] = [];
  for (let t = 0; t < options.tenants; t++) {
    const tenant = d.addTenant(`tenant${t}.example`);
    const userIds: string[] = [];
    for (let u = 0; u < options.usersPerTenant; u++) {
      userIds.push(d.addUser(tenant.id, { userPrincipalName: `user${u}@tenant${t}.example` }).id);
    }
    const service = d.addUser(tenant.id, { userPrincipalName: `ccx-service@tenant${t}.example` });
    d.grant(tenant.id, app.clientId, {
      applicationPermissions: ['Presence.Read.All', 'Presence.ReadWrite.All'],
      delegatedScopes: ['Presence.Read.All', 'Presence.ReadWrite', 'offline_access'],
    });
    tenants.push({ tenant, userIds, serviceUserId: service.id });
  }

  // The HTTPS receiver Graph delivers to.
  const ca = makeTestCa(join(dir, 'ca'), 'presence receiver test CA');
  const cert = ca.issue(['localhost'], { ips: ['127.0.0.1'] });
  graph.trustCa(ca.caCert);
  const sink: { current?: NotificationSink } = {};
  const inFlight = new Set<Promise<unknown>>();
  const received: { path: string; body: unknown }[] = [];
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://receiver.invalid');
    const token = url.searchParams.get('validationToken');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (token !== null) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(token);
        return;
      }
      res.writeHead(202).end();
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      received.push({ path: url.pathname, body });
      const target = sink.current;
      if (!target) return;
      const work =
        url.pathname === '/graph/lifecycle' ? target.lifecycle(body) : target.changes(body);
      inFlight.add(work);
      void work.catch(() => undefined).finally(() => inFlight.delete(work));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The certificate rich notifications are encrypted to.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'enc.key',
      '-out',
      'enc.crt',
    ].concat(['-days', '2', '-subj', '/CN=ccx presence notifications']),
    { cwd: dir, stdio: 'ignore' },
  );
  const x509 = new X509Certificate(readFileSync(join(dir, 'enc.crt')));
  const encryption = {
    certificate: x509.raw.toString('base64'),
    certificateId: 'ccx-presence-1',
    privateKey: createPrivateKey(readFileSync(join(dir, 'enc.key'))),
  };

  const delegatedToken = (t: WorldTenant, scp = 'Presence.Read.All Presence.ReadWrite') =>
    m365.signer.sign(
      {
        aud: GRAPH_AUD,
        iss: `${m365.url}/${t.tenant.id}/`,
        tid: t.tenant.id,
        oid: t.serviceUserId,
        appid: app.clientId,
        scp,
        idtyp: 'user',
        ver: '1.0',
      },
      3600,
    );

  return {
    m365,
    graph,
    agent,
    app,
    secret,
    tenants,
    receiverUrl,
    sink,
    received,
    idle: async () => {
      await graph.flush();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    encryption,
    delegatedToken,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await graph.stop();
      await agent.close();
      await m365.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
