// A Microsoft 365 world for presence sync: the emulator with N tenants of M users each, our
// multi-tenant app consented in all of them (m365World); an HTTPS receiver for Graph's
// notifications whose certificate comes from a test CA the emulator trusts (startReceiver); and
// a certificate for rich notifications (encryptionCertificate). presenceWorld puts them together.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
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

export interface M365World {
  m365: GraphEmulator;
  graph: GraphControl;
  agent: Agent;
  app: EmulatedApp;
  secret: string;
  tenants: WorldTenant[];
  /** A delegated Graph token of the tenant's service account (as MSAL would return it). */
  delegatedToken(t: WorldTenant, lifetimeSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function m365World(options: {
  tenants: number;
  usersPerTenant: number;
}): Promise<M365World> {
  const m365 = await startGraphEmulator();
  const graph = graphOf(m365);
  const agent = httpAgent({ extraCaPem: m365.caPem });
  const d = m365.directory;
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
  const delegatedToken = (t: WorldTenant, lifetimeSeconds = 3600) =>
    m365.signer.sign(
      {
        aud: GRAPH_AUD,
        iss: `${m365.url}/${t.tenant.id}/`,
        tid: t.tenant.id,
        oid: t.serviceUserId,
        appid: app.clientId,
        scp: 'Presence.Read.All Presence.ReadWrite',
        idtyp: 'user',
        ver: '1.0',
      },
      lifetimeSeconds,
    );
  return {
    m365,
    graph,
    agent,
    app,
    secret,
    tenants,
    delegatedToken,
    close: async () => {
      await graph.stop();
      await agent.close();
      await m365.close();
    },
  };
}

export interface NotificationSink {
  changes(body: unknown): Promise<unknown>;
  lifecycle(body: unknown): Promise<unknown>;
}

export interface Receiver {
  /** https://127.0.0.1:<port>: /graph/notifications and /graph/lifecycle go to `sink.current`. */
  url: string;
  /** The CA of the receiver's certificate, for Graph (the emulator) to trust. */
  caPem: string;
  sink: { current?: NotificationSink };
  /** Every body received, in order (tests replay and tamper with them); off with `keep: false`. */
  received: { path: string; body: unknown }[];
  /** Called with each notification body as it arrives, before the sink (benchmarks time it). */
  onArrival?: (body: unknown) => void;
  /** Resolves when the work the receiver started is done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTPS endpoint like the presence service's /graph routes: handshake, then 202 and the sink. */
export async function startReceiver(options: { keep?: boolean } = {}): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-receiver-'));
  const ca = makeTestCa(dir, 'presence receiver test CA');
  const cert = ca.issue(['localhost'], { ips: ['127.0.0.1'] });
  const inFlight = new Set<Promise<unknown>>();
  const receiver: Receiver = {
    url: '',
    caPem: ca.caCert,
    sink: {},
    received: [],
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: async () => undefined,
  };
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
      if (options.keep !== false) receiver.received.push({ path: url.pathname, body });
      const target = receiver.sink.current;
      if (!target) return;
      const lifecycle = url.pathname === '/graph/lifecycle';
      if (!lifecycle) receiver.onArrival?.(body);
      const work = lifecycle ? target.lifecycle(body) : target.changes(body);
      inFlight.add(work);
      void work.catch(() => undefined).finally(() => inFlight.delete(work));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };
  return receiver;
}

export interface EncryptionCertificate {
  certificate: string;
  certificateId: string;
  privateKey: KeyObject;
}

/** An RSA 2048 certificate rich notifications are encrypted to (made with the openssl CLI). */
export function encryptionCertificate(id = 'ccx-presence-1'): EncryptionCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-enc-'));
  try {
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
    return {
      certificate: x509.raw.toString('base64'),
      certificateId: id,
      privateKey: createPrivateKey(readFileSync(join(dir, 'enc.key'))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PresenceWorld extends M365World {
  receiverUrl: string;
  sink: { current?: NotificationSink };
  received: { path: string; body: unknown }[];
  encryption: EncryptionCertificate;
  /** Graph's due deliveries done, and the receiver's work too. */
  idle(): Promise<void>;
}

export async function presenceWorld(options: {
  tenants: number;
  usersPerTenant: number;
}): Promise<PresenceWorld> {
  const world = await m365World(options);
  const receiver = await startReceiver();
  world.graph.trustCa(receiver.caPem);
  return {
    ...world,
    receiverUrl: receiver.url,
    sink: receiver.sink,
    received: receiver.received,
    encryption: encryptionCertificate(),
    idle: async () => {
      await world.graph.flush();
      await receiver.idle();
    },
    close: async () => {
      await receiver.close();
      await world.close();
    },
  };
}
