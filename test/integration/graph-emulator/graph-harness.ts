import { X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphClient, httpAgent } from '@ccx/graph';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../graph-emulator';
import type { EmulatedApp, EmulatedTenant, EmulatedUser } from '../../graph-emulator/directory';
import { graphOf, mountGraph, type GraphControl } from '../../graph-emulator/graph';
import { encryptionCertificate } from '../../support/presence-world';
import { makeTestCa } from '../../support/test-ca';

/**
 * The Graph part of the Microsoft 365 emulator with one tenant (alice, bob), another tenant
 * (mallory), our app, and the real Graph client over our undici agent. Tokens are minted directly
 * with the emulator's signer (the Entra ID part is not needed).
 */
export interface GraphHarness {
  m365: GraphEmulator;
  graph: GraphControl;
  tenant: EmulatedTenant;
  other: EmulatedTenant;
  app: EmulatedApp;
  alice: EmulatedUser;
  bob: EmulatedUser;
  mallory: EmulatedUser;
  /** An app-only token of our app in `tenantId` (default contoso) with these roles. */
  appToken(roles: string[], opts?: { tenantId?: string; lifetime?: number }): Promise<string>;
  /** A delegated token of our app for `user` with these scopes. */
  userToken(user: EmulatedUser, scopes: string[], lifetime?: number): Promise<string>;
  /** The real Graph client sending `token` (or whatever the function returns). */
  client(token: string | (() => Promise<string>)): Client;
  close(): Promise<void>;
}

export async function startGraphHarness(): Promise<GraphHarness> {
  const m365 = await startGraphEmulator({ parts: [mountGraph] });
  const graph = graphOf(m365);
  const agent = httpAgent({ extraCaPem: m365.caPem });
  const tenant = m365.directory.addTenant('contoso.example');
  const other = m365.directory.addTenant('fabrikam.example');
  const app = m365.directory.registerApp({ homeTenantId: tenant.id, displayName: 'ccx' });
  const alice = m365.directory.addUser(tenant.id, { userPrincipalName: 'alice@contoso.example' });
  const bob = m365.directory.addUser(tenant.id, { userPrincipalName: 'bob@contoso.example' });
  const mallory = m365.directory.addUser(other.id, {
    userPrincipalName: 'mallory@fabrikam.example',
  });
  return {
    m365,
    graph,
    tenant,
    other,
    app,
    alice,
    bob,
    mallory,
    appToken: (roles, opts = {}) =>
      m365.signer.sign(
        {
          aud: 'https://graph.microsoft.com',
          tid: opts.tenantId ?? tenant.id,
          roles,
          idtyp: 'app',
          oid: 'service-principal',
          appid: app.clientId,
        },
        opts.lifetime ?? 3600,
      ),
    userToken: (user, scopes, lifetime = 3600) =>
      m365.signer.sign(
        {
          aud: '00000003-0000-0000-c000-000000000000',
          tid: user.tenantId,
          scp: scopes.join(' '),
          idtyp: 'user',
          oid: user.id,
          appid: app.clientId,
        },
        lifetime,
      ),
    client: (token) =>
      createGraphClient({
        agent,
        graphUrl: m365.url,
        accessToken: typeof token === 'string' ? () => Promise.resolve(token) : token,
      }),
    close: async () => {
      await graph.stop();
      await agent.close();
      await m365.close();
    },
  };
}

export interface Received {
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

/**
 * A subscriber's HTTPS endpoint (certificate from its own test CA, which Graph is told to trust):
 * answers the validation handshake by echoing the token, records every POST, and answers
 * change notifications with `notificationStatus` (202 unless a test changes it) and lifecycle
 * notifications (path /lifecycle) with 202.
 */
export interface Receiver {
  url: string;
  received: Received[];
  notificationStatus: number;
  handshake: 'echo' | 'fail' | 'wrong-token' | 'hang';
  /** Delay before answering change notifications (a slow endpoint). */
  notificationDelayMs: number;
  /** Notification POSTs (not validations) whose path is `path`, parsed. */
  posts(
    path: string,
  ): Array<{ value: Array<Record<string, unknown>>; validationTokens?: string[] }>;
  close(): Promise<void>;
}

export async function startReceiver(graph: GraphControl): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-receiver-'));
  const ca = makeTestCa(dir, 'ccx subscriber test CA');
  const cert = ca.issue(['localhost'], { ips: ['127.0.0.1'], file: 'receiver' });
  graph.trustCa(ca.caCert);
  const receiver: Receiver = {
    url: '',
    received: [],
    notificationStatus: 202,
    handshake: 'echo',
    notificationDelayMs: 0,
    posts: (path) =>
      receiver.received
        .filter((r) => r.path === path && !r.query.has('validationToken'))
        .map((r) => JSON.parse(r.body) as ReturnType<Receiver['posts']>[number]),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://receiver.invalid');
      receiver.received.push({
        path: url.pathname,
        query: url.searchParams,
        contentType: String(req.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        if (receiver.handshake === 'hang') return;
        if (receiver.handshake === 'fail') {
          res.writeHead(500).end();
          return;
        }
        const answer = receiver.handshake === 'echo' ? token : `${token}x`;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(answer);
        return;
      }
      if (url.pathname === '/lifecycle') {
        res.writeHead(202).end();
        return;
      }
      const status = receiver.notificationStatus;
      setTimeout(() => res.writeHead(status).end(), receiver.notificationDelayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** The subscriber's encryption certificate (RSA, self-signed) and its private key. */
export interface EncryptionKeys {
  /** base64 DER, as POST /subscriptions takes it. */
  certificate: string;
  privateKey: KeyObject;
  thumbprint: string;
}

export function makeEncryptionKeys(): EncryptionKeys {
  const made = encryptionCertificate();
  const cert = new X509Certificate(Buffer.from(made.certificate, 'base64'));
  return {
    certificate: made.certificate,
    privateKey: made.privateKey,
    thumbprint: cert.fingerprint.replace(/:/g, ''),
  };
}
