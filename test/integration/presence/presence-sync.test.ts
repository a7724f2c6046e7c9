// Presence sync against the Microsoft 365 emulator through the real Graph client and msal-node:
// initial sync at the minimum number of requests, rich notifications to presence changes,
// forged and tampered notifications refused, renewal across a simulated hour, lifecycle events,
// throttling, polling when subscriptions are refused, and the Busy / InACall write-back.
import { M365Clients } from '@ccx/auth';
import { createGraphClient, entraJwks, GraphPresenceApi, GraphThrottle } from '@ccx/graph';
import { PresenceRuntime, type ConnectedTenant, type PresenceUpdate } from '@ccx/presence-sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { presenceWorld, type PresenceWorld, type WorldTenant } from '../../support/presence-world';

let w: PresenceWorld;
let m365Clients: M365Clients | undefined;
/** MSAL as the presence service builds it, pointed at the emulator. */
const clients = () =>
  (m365Clients ??= new M365Clients({ authority: w.m365.url, extraCaPem: w.m365.caPem }));
beforeAll(async () => {
  w = await presenceWorld({ tenants: 2, usersPerTenant: 1400 });
});
afterAll(async () => {
  await m365Clients?.close();
  await w.close();
});

let runtime: PresenceRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  w.sink.current = undefined;
});

const ourId = (t: WorldTenant) => `cc-${t.tenant.domain}`;

function connection(t: WorldTenant, throttle: GraphThrottle, delegated = true): ConnectedTenant {
  const appToken = clients().appToken({
    entraTenantId: t.tenant.id,
    clientId: w.app.clientId,
    credential: { kind: 'secret', secret: w.secret },
  });
  const client = (accessToken: () => Promise<string>) =>
    createGraphClient({ agent: w.agent, graphUrl: w.m365.url, accessToken });
  const app = new GraphPresenceApi(client(appToken), throttle, ourId(t));
  const reads = delegated
    ? new GraphPresenceApi(
        client(() => w.delegatedToken(t)),
        throttle,
        ourId(t),
      )
    : app;
  return {
    tenantId: ourId(t),
    entraTenantId: t.tenant.id,
    appId: w.app.clientId,
    graph: reads,
    writeBack: app,
  };
}

function start(
  tenants: WorldTenant[],
  options: { delegated?: boolean; tracked?: (t: WorldTenant) => string[] } = {},
) {
  const published: (PresenceUpdate & { tenantId: string })[] = [];
  const problems: string[] = [];
  const throttle = new GraphThrottle({ ratePerSecond: 50, burst: 20 });
  const connections = tenants.map((t) => connection(t, throttle, options.delegated ?? true));
  runtime = new PresenceRuntime({
    connections: () => Promise.resolve(connections),
    trackedUsers: (tenantId) => {
      const t = tenants.find((x) => ourId(x) === tenantId);
      return Promise.resolve(t ? (options.tracked?.(t) ?? t.userIds) : []);
    },
    publish: (tenantId, update) => {
      published.push({ tenantId, ...update });
      return Promise.resolve();
    },
    publicUrl: w.receiverUrl,
    encryption: w.encryption,
    clientStateKey: 'presence-test-key-0123456789',
    jwks: entraJwks(w.agent, w.m365.url),
    authority: w.m365.url,
    pollIntervalMs: 60_000,
    now: () => w.m365.clock.now(),
    onProblem: (message) => problems.push(message),
  });
  w.sink.current = runtime;
  return { runtime, published, problems, throttle };
}

/** The token with one character in the middle of its signature changed. */
function flipMiddle(jwt: string): string {
  const at = jwt.length - 40;
  const c = jwt[at] === 'A' ? 'B' : 'A';
  return `${jwt.slice(0, at)}${c}${jwt.slice(at + 1)}`;
}

const endpoint = (name: string) => w.graph.requestCounts().byEndpoint[name] ?? 0;
const t0 = () => w.tenants[0] as WorldTenant;
const t1 = () => w.tenants[1] as WorldTenant;

describe('presence sync through the Graph emulator', () => {
  it('syncs 1,400 users with one subscription and one presence read per 650 users', async () => {
    w.graph.resetRequestCounts();
    const { runtime, published } = start([t0()]);
    await runtime.refresh();
    await w.idle();
    expect(endpoint('POST /subscriptions')).toBe(3);
    // Three reads of ≤ 650 users, in one $batch round trip.
    expect(endpoint('POST /communications/getPresencesByUserId')).toBe(3);
    expect(endpoint('POST /$batch')).toBe(1);
    expect(runtime.stats().get(ourId(t0()))).toMatchObject({
      tracked: 1400,
      subscriptions: 3,
      subscribedUsers: 1400,
      polledUsers: 0,
    });
    // Everyone's first presence is published once, from the poll.
    expect(published).toHaveLength(1400);
    expect(new Set(published.map((p) => p.source))).toEqual(new Set(['poll']));
  });

  it('turns a Teams presence change into one published change, with its sequence', async () => {
    const { runtime, published } = start([t0()]);
    await runtime.refresh();
    await w.idle();
    published.length = 0;
    const user = t0().userIds[7] as string;
    w.graph.setClientSession(user, 'Busy', 'InACall');
    await w.idle();
    expect(published).toEqual([
      expect.objectContaining({
        tenantId: ourId(t0()),
        userId: user,
        availability: 'Busy',
        activity: 'InACall',
        source: 'notification',
        sequence: w.graph.presenceOf(user).sequenceNumber,
      }),
    ]);
    // The same presence again (another client session says the same) is not a change.
    w.graph.setClientSession(user, 'Busy', 'InACall', 'mobile');
    await w.idle();
    expect(published).toHaveLength(1);
  });

  it('refuses forged and tampered notifications and applies nothing from them', async () => {
    const { runtime, published, problems } = start([t0()]);
    await runtime.refresh();
    await w.idle();
    published.length = 0;
    const user = t0().userIds[8] as string;
    const from = w.received.length;
    w.graph.setClientSession(user, 'Away', 'Away');
    await w.idle();
    const real = w.received.slice(from).find((r) => r.path === '/graph/notifications')?.body as {
      value: Record<string, unknown>[];
      validationTokens: string[];
    };
    expect(real?.value).toHaveLength(1);
    expect(published).toEqual([expect.objectContaining({ userId: user, availability: 'Away' })]);
    published.length = 0;
    const item = real.value[0] as { encryptedContent: Record<string, string>; clientState: string };
    const tampered = (over: Record<string, unknown>) => ({ ...real, ...over });
    const flipped = Buffer.from(item.encryptedContent['data'] ?? '', 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 0xff;
    const forged = [
      tampered({ validationTokens: [] }),
      tampered({ validationTokens: undefined }),
      tampered({ validationTokens: [flipMiddle(real.validationTokens[0] ?? '')] }),
      tampered({
        value: [
          {
            ...item,
            encryptedContent: { ...item.encryptedContent, data: flipped.toString('base64') },
          },
        ],
      }),
      tampered({ value: [{ ...item, clientState: 'guessed' }] }),
      tampered({
        value: [
          {
            ...item,
            encryptedContent: { ...item.encryptedContent, encryptionCertificateId: 'other' },
          },
        ],
      }),
      { value: 'nonsense' },
    ];
    for (const body of forged) {
      expect(await runtime.changes(body)).toMatchObject({ accepted: 0 });
    }
    expect(published).toEqual([]);
    expect(problems.length).toBeGreaterThanOrEqual(forged.length);
    // The genuine one still passes every check; delivered twice, it is not a second change.
    expect(await runtime.changes(real)).toEqual({ accepted: 1, refused: 0 });
    expect(published).toEqual([]);
  });

  it('keeps subscriptions alive across a simulated hour and still gets notifications', async () => {
    const { runtime, published } = start([t1()]);
    await runtime.refresh();
    await w.idle();
    const ids = runtime.tenant(ourId(t1()))?.subscriptionIds() ?? [];
    expect(ids).toHaveLength(3);
    for (let step = 0; step < 3; step++) {
      w.m365.clock.advance(40 * 60_000);
      await runtime.refresh();
      await w.idle();
      for (const id of ids) {
        const sub = w.graph.subscription(id);
        expect(sub, `subscription ${id} after ${(step + 1) * 40} min`).toBeDefined();
        expect(sub?.expiresAt).toBeGreaterThan(w.m365.clock.now() + 30 * 60_000);
      }
    }
    published.length = 0;
    const user = t1().userIds[1000] as string;
    w.graph.setClientSession(user, 'DoNotDisturb', 'Presenting');
    await w.idle();
    expect(published).toEqual([
      expect.objectContaining({
        userId: user,
        availability: 'DoNotDisturb',
        source: 'notification',
      }),
    ]);
  });

  it('reauthorizes when Graph asks, and recovers a removed or missed subscription', async () => {
    const { runtime, published } = start([t0()]);
    await runtime.refresh();
    await w.idle();
    const sync = runtime.tenant(ourId(t0()));
    const [first, second] = sync?.subscriptionIds() ?? [];
    w.graph.resetRequestCounts();
    w.graph.requireReauthorization(first as string);
    await w.idle();
    expect(endpoint('POST /subscriptions/{id}/reauthorize')).toBe(1);
    expect(sync?.subscriptionIds()).toContain(first);

    // A missed notification: the users of that subscription are read again at the next pass.
    w.graph.signalMissed(second as string);
    await w.idle();
    await runtime.refresh();
    expect(endpoint('POST /communications/getPresencesByUserId')).toBe(1);

    // Removed: replaced at the next pass, and its users read again.
    w.graph.removeSubscription(first as string);
    await w.idle();
    expect(sync?.subscriptionIds()).not.toContain(first);
    published.length = 0;
    await runtime.refresh();
    await w.idle();
    expect(sync?.stats()).toMatchObject({ subscribedUsers: 1400, polledUsers: 0 });
    expect(endpoint('POST /subscriptions')).toBe(1);
  });

  it('polls within budget when subscriptions are refused (app-only token)', async () => {
    w.graph.resetRequestCounts();
    const { runtime, published, problems } = start([t0()], { delegated: false });
    await runtime.refresh();
    expect(runtime.stats().get(ourId(t0()))).toMatchObject({ subscriptions: 0, polledUsers: 1400 });
    expect(problems.some((p) => p.includes('subscription failed'))).toBe(true);
    expect(published).toHaveLength(1400);
    expect(endpoint('POST /communications/getPresencesByUserId')).toBe(3);
    // The next pass within the poll interval reads nothing; after it, one round again.
    await runtime.refresh();
    expect(endpoint('POST /communications/getPresencesByUserId')).toBe(3);
    const user = t0().userIds[3] as string;
    w.graph.setClientSession(user, 'BeRightBack', 'BeRightBack');
    w.m365.clock.advance(61_000);
    published.length = 0;
    await runtime.refresh();
    expect(endpoint('POST /communications/getPresencesByUserId')).toBe(6);
    expect(published).toEqual([
      expect.objectContaining({ userId: user, availability: 'BeRightBack', source: 'poll' }),
    ]);
  });

  it('backs off on 429 with Retry-After instead of retrying in a storm', async () => {
    const { runtime, throttle } = start([t0()], { delegated: false });
    w.graph.resetRequestCounts();
    w.graph.forceThrottle(2, t0().tenant.id);
    await runtime.refresh();
    const counts = w.graph.requestCounts();
    // The first round of the three reads (one $batch) is refused; the tenant then waits for
    // Retry-After, and the next round goes through.
    expect(counts.throttled).toBeLessThanOrEqual(3);
    expect(counts.byEndpoint['POST /$batch']).toBeLessThanOrEqual(2);
    expect(throttle.throttled.get(ourId(t0()))).toBeGreaterThanOrEqual(1);
    expect(runtime.stats().get(ourId(t0()))?.tracked).toBe(1400);
  });

  it('shows Busy / InACall in Teams while an agent is on a call, and clears it after', async () => {
    const { runtime } = start([t0()]);
    await runtime.refresh();
    const agent = t0().userIds[20] as string;
    w.graph.setClientSession(agent, 'Available', 'Available');
    await runtime.agentChanged(ourId(t0()), agent, true, 1);
    expect(w.graph.presenceOf(agent)).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    // An older state change arriving late does not clear the session.
    await runtime.agentChanged(ourId(t0()), agent, false, 0);
    expect(w.graph.presenceOf(agent)).toMatchObject({ availability: 'Busy' });
    await runtime.agentChanged(ourId(t0()), agent, false, 2);
    expect(w.graph.presenceOf(agent)).toMatchObject({ availability: 'Available' });
  });

  it('never overrides what the user chose: a preferred Do not disturb stays', async () => {
    const { runtime } = start([t0()]);
    await runtime.refresh();
    const agent = t0().userIds[21] as string;
    // The user is in Teams and picks Do not disturb (their preferred presence, through Graph;
    // it shows only while the user has a session, else Graph says Offline).
    w.graph.setClientSession(agent, 'Available', 'Available');
    const asUser = createGraphClient({
      agent: w.agent,
      graphUrl: w.m365.url,
      accessToken: () =>
        w.m365.signer.sign(
          {
            aud: 'https://graph.microsoft.com',
            tid: t0().tenant.id,
            oid: agent,
            appid: w.app.clientId,
            scp: 'Presence.ReadWrite',
            idtyp: 'user',
          },
          600,
        ),
    });
    await asUser
      .api(`/users/${agent}/presence/setUserPreferredPresence`)
      .post({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    await runtime.agentChanged(ourId(t0()), agent, true, 1);
    expect(w.graph.presenceOf(agent)).toMatchObject({ availability: 'DoNotDisturb' });
    await runtime.agentChanged(ourId(t0()), agent, false, 2);
    expect(w.graph.presenceOf(agent)).toMatchObject({ availability: 'DoNotDisturb' });
  });
});
