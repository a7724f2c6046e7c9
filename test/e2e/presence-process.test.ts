// The presence service as a process, end to end: a tenant connects Microsoft 365 through the API
// (credential, admin consent, delegated service sign-in through the emulator's sign-in page), its
// agents have Teams user ids, and the built presence service (behind an HTTPS front, as Graph
// only posts to https://) subscribes with the delegated token, answers Graph's validation
// handshake, publishes every agent's presence, turns a Teams change into presence.changed on the
// bus, and shows Busy / InACall in Teams while an agent is on a call.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEvent, EventOf } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import { graphOf, type GraphControl } from '../graph-emulator/graph';
import { clientFor, type Client } from '../integration/api/support/client';
import {
  callbackPath,
  secretConnection,
  startM365Api,
  type M365Api,
} from '../integration/api/support/m365';
import { signIn } from '../integration/graph-emulator/entra-fixture';
import { openTestBus, waitFor } from '../support/bus';
import { buildDist, startChild, stopChild, type Child } from '../support/child';
import { httpsFront, type HttpsFront } from '../support/https-front';
import { encryptionCertificate } from '../support/presence-world';

const PRESENCE_PORT = 35840;

describe('presence service as a process against the Microsoft 365 emulator', () => {
  let env: M365Api;
  let t: Client;
  let graph: GraphControl;
  let front: HttpsFront;
  let presence: Child | undefined;
  let presenceEnv: Record<string, string> = {};
  let bus: EventBus;
  const events: AnyEvent[] = [];
  const agents: { id: string; userId: string }[] = [];

  beforeAll(async () => {
    buildDist();
    env = await startM365Api('postgres', { graph: true });
    graph = graphOf(env.w.m365);
    env.w.m365.directory.grant(env.w.contoso.id, env.w.ccx.clientId, {
      applicationPermissions: ['Presence.Read.All', 'Presence.ReadWrite.All'],
      delegatedScopes: ['offline_access'],
    });
    t = clientFor(env.api, await env.api.createTenant('contoso'));
    for (const name of ['ada', 'bob', 'cy']) {
      const user = env.w.m365.directory.addUser(env.w.contoso.id, {
        userPrincipalName: `${name}@contoso.example`,
      });
      const res = await t.post('/v1/agents', {
        displayName: name,
        upn: `${name}@contoso.example`,
        teamsUserId: user.id,
      });
      expect(res.status, res.text).toBe(201);
      agents.push({ id: String(res.body.id), userId: user.id });
    }
    // Connect: credential, admin consent, then the delegated service sign-in.
    expect((await t.put('/v1/m365/connection', secretConnection(env.w))).status).toBe(200);
    const consent = new URL((await t.get('/v1/m365/connection/admin-consent')).body.url as string);
    const consented = await env.api
      .http()
      .get('/v1/m365/consent/callback')
      .query({
        admin_consent: 'True',
        tenant: env.w.contoso.id,
        state: consent.searchParams.get('state') ?? '',
      });
    expect(consented.body).toMatchObject({ status: 'connected' });
    const start = await t.post('/v1/m365/connection/service-sign-in');
    const page = await signIn(env.w, start.body.url as string, env.w.alice.userPrincipalName);
    expect((await env.api.http().get(callbackPath(page.location))).status).toBe(200);

    bus = openTestBus({ prefix: env.api.config.BUS_PREFIX });
    await bus.subscribe('test-routing', ['presence.changed'], (e) => {
      events.push(e);
      return Promise.resolve();
    });
    front = await httpsFront({ host: '127.0.0.1', port: PRESENCE_PORT });
    graph.trustCa(front.caPem);
    const enc = encryptionCertificate();
    const dir = env.w.m365.caPath.replace(/\/[^/]+$/, '');
    const { X509Certificate } = await import('node:crypto');
    const certPem = new X509Certificate(Buffer.from(enc.certificate, 'base64')).toString();
    writeFileSync(join(dir, 'presence.crt'), certPem);
    writeFileSync(
      join(dir, 'presence.key'),
      enc.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    presenceEnv = {
      REDIS_URL: env.api.config.REDIS_URL,
      BUS_PREFIX: env.api.config.BUS_PREFIX,
      DATABASE_URL: env.api.db.url,
      MASTER_KEY: env.api.config.MASTER_KEY,
      PRESENCE_HTTP_PORT: String(PRESENCE_PORT),
      PRESENCE_PUBLIC_URL: front.url,
      PRESENCE_CERT_FILE: join(dir, 'presence.crt'),
      PRESENCE_KEY_FILE: join(dir, 'presence.key'),
      M365_AUTHORITY: env.w.m365.url,
      GRAPH_URL: env.w.m365.url,
      M365_EXTRA_CA_FILE: env.w.m365.caPath,
      // Long: what the tests see happens at start-up, on a configuration change or on Graph's call.
      PRESENCE_SYNC_MS: '60000',
      LOG_LEVEL: 'warn',
    };
    presence = startChild('apps/presence/src/main.js', presenceEnv);
  });

  afterAll(async () => {
    if (presence) await stopChild(presence);
    await bus?.close();
    await front?.close();
    await env?.close();
  });

  const changesOf = (userId: string) =>
    events.filter(
      (e): e is EventOf<'presence.changed'> =>
        e.name === 'presence.changed' && e.data.userId === userId,
    );

  it('subscribes with the delegated sign-in and publishes every agent’s presence', async () => {
    await waitFor('a subscription', () => graph.listSubscriptions().length === 1, 30_000);
    const [sub] = graph.listSubscriptions();
    expect(sub?.userIds).toEqual(new Set(agents.map((a) => a.userId)));
    expect(sub?.includeResourceData).toBe(true);
    expect(sub?.creatorId).toBe(env.w.alice.id);
    await waitFor('every agent’s presence', () =>
      agents.every((a) => changesOf(a.userId).length > 0),
    );
    const status = (await (
      await fetch(`http://127.0.0.1:${PRESENCE_PORT}/presence/status`)
    ).json()) as { tenants: unknown[] };
    expect(status.tenants).toEqual([
      { tenantId: 'contoso', tracked: 3, subscriptions: 1, subscribedUsers: 3, polledUsers: 0 },
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${PRESENCE_PORT}/metrics`)).text();
    expect(metrics).toMatch(/^ccx_presence_subscriptions(\{[^}]*\})? 1$/m);
    expect(metrics).toMatch(/^ccx_presence_tracked_users\{[^}]*how="subscribed"[^}]*\} 3$/m);
    for (const a of agents) {
      expect(changesOf(a.userId)[0]).toMatchObject({
        tenantId: 'contoso',
        data: { agentId: a.id, source: 'poll' },
      });
    }
  });

  it('turns a Teams presence change into presence.changed from the notification', async () => {
    const ada = agents[0] as { id: string; userId: string };
    const before = changesOf(ada.userId).length;
    graph.setClientSession(ada.userId, 'DoNotDisturb', 'Presenting');
    await waitFor('the change on the bus', () => changesOf(ada.userId).length > before);
    expect(changesOf(ada.userId).at(-1)).toMatchObject({
      data: {
        availability: 'DoNotDisturb',
        activity: 'Presenting',
        source: 'notification',
        sequence: graph.presenceOf(ada.userId).sequenceNumber,
      },
    });
  });

  it('takes its subscription over after a restart instead of making another', async () => {
    const [before] = graph.listSubscriptions();
    if (presence) await stopChild(presence);
    presence = startChild('apps/presence/src/main.js', presenceEnv);
    const cy = agents[2] as { id: string; userId: string };
    // The restarted service reads everyone again (changes while it was down were not received)...
    const seen = changesOf(cy.userId).length;
    graph.setClientSession(cy.userId, 'Away', 'Away');
    await waitFor('the change after the restart', () =>
      changesOf(cy.userId).some((e, i) => i >= seen && e.data.availability === 'Away'),
    );
    // ...and keeps the subscription the first run made.
    expect(graph.listSubscriptions().map((x) => x.id)).toEqual([before?.id]);
  });

  it('follows a new agent within moments of its creation, without waiting for the next pass', async () => {
    const user = env.w.m365.directory.addUser(env.w.contoso.id, {
      userPrincipalName: 'dee@contoso.example',
    });
    const res = await t.post('/v1/agents', {
      displayName: 'dee',
      upn: 'dee@contoso.example',
      teamsUserId: user.id,
    });
    expect(res.status, res.text).toBe(201);
    await waitFor('a subscription for the new agent', () =>
      graph.listSubscriptions().some((sub) => sub.userIds.has(user.id)),
    );
    await waitFor('the new agent’s presence', () => changesOf(user.id).length > 0);
    expect(changesOf(user.id)[0]).toMatchObject({ data: { agentId: res.body.id, source: 'poll' } });
  });

  it('shows Busy / InACall in Teams while an agent is on a call, then clears it', async () => {
    const bob = agents[1] as { id: string; userId: string };
    graph.setClientSession(bob.userId, 'Available', 'Available');
    const state = (s: 'busy' | 'wrap-up', version: number) =>
      bus.publish('agent.state-changed', {
        tenantId: 'contoso',
        data: { agentId: bob.id, state: s, version },
      });
    await state('busy', 10);
    await waitFor('Busy in Teams', () => graph.presenceOf(bob.userId).availability === 'Busy');
    expect(graph.presenceOf(bob.userId)).toMatchObject({ activity: 'InACall' });
    await state('wrap-up', 11);
    await waitFor(
      'Available again',
      () => graph.presenceOf(bob.userId).availability === 'Available',
    );
  });
});
