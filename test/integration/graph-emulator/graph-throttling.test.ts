import {
  BatchRequestContent,
  BatchResponseContent,
  GraphError,
} from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_BUDGET } from '../../graph-emulator/graph/throttling';
import { startGraphHarness, type GraphHarness } from './graph-harness';

// Throttling (429 + Retry-After, budgets per app per tenant, forced storms), request counting, and
// JSON batching through the real Graph client.
let h: GraphHarness;

beforeAll(async () => {
  h = await startGraphHarness();
});
afterEach(() => {
  h.graph.configureThrottle(PRESENCE_BUDGET);
  h.m365.clock.advance(60_000); // past any storm or window a test left behind
});
afterAll(async () => {
  await h?.close();
});

const caught = async (p: Promise<unknown>): Promise<GraphError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
};

describe('throttling', () => {
  it('refuses requests beyond the budget of the app in the tenant with 429 and Retry-After, until the window ends', async () => {
    h.graph.configureThrottle({ requests: 3, windowSeconds: 30 });
    const client = h.client(await h.appToken(['Presence.Read.All']));
    const path = `/users/${h.alice.id}/presence`;
    for (let i = 0; i < 3; i++) await client.api(path).get();
    const refused = await caught(client.api(path).get());
    expect(refused.statusCode).toBe(429);
    expect(refused.code).toBe('TooManyRequests');
    expect(Number(refused.headers?.get('retry-after'))).toBe(30);

    // Another tenant's budget is its own.
    const otherClient = h.client(await h.appToken(['Presence.Read.All'], { tenantId: h.other.id }));
    await expect(otherClient.api(`/users/${h.mallory.id}/presence`).get()).resolves.toMatchObject({
      id: h.mallory.id,
    });

    h.m365.clock.advance(30_000);
    await expect(client.api(path).get()).resolves.toMatchObject({ id: h.alice.id });
  });

  it('answers every request with 429 during a forced storm, with the remaining time as Retry-After', async () => {
    const client = h.client(await h.appToken(['Presence.Read.All']));
    const path = `/users/${h.alice.id}/presence`;
    h.graph.forceThrottle(20);
    h.m365.clock.advance(5_000);
    const refused = await caught(client.api(path).get());
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers?.get('retry-after'))).toBe(15);
    h.m365.clock.advance(15_000);
    await expect(client.api(path).get()).resolves.toMatchObject({ id: h.alice.id });
  });

  it('counts requests per tenant and per endpoint', async () => {
    h.graph.resetRequestCounts();
    const client = h.client(await h.appToken(['Presence.Read.All']));
    await client.api(`/users/${h.alice.id}/presence`).get();
    await client.api(`/users/${h.bob.id}/presence`).get();
    await client.api('/communications/getPresencesByUserId').post({ ids: [h.alice.id, h.bob.id] });
    const counts = h.graph.requestCounts();
    expect(counts.http).toBe(3);
    expect(counts.byTenant).toEqual({ [h.tenant.id]: 3 });
    expect(counts.byEndpoint).toEqual({
      'GET /users/{id}/presence': 2,
      'POST /communications/getPresencesByUserId': 1,
    });
  });
});

describe('$batch', () => {
  it('runs up to 20 requests, each answered on its own, with dependsOn and 424 after a failed dependency', async () => {
    h.graph.setClientSession(h.bob.id, 'Busy', 'InACall');
    const client = h.client(await h.appToken(['Presence.Read.All']));
    const url = (path: string) => `${h.m365.graphBaseUrl}${path}`;
    const post = async (content: BatchRequestContent) =>
      new BatchResponseContent(
        (await client.api('/$batch').post(await content.getContent())) as ConstructorParameters<
          typeof BatchResponseContent
        >[0],
      );
    const parallel = await post(
      new BatchRequestContent([
        { id: '1', request: new Request(url(`/users/${h.bob.id}/presence`)) },
        { id: '2', request: new Request(url(`/users/${h.mallory.id}/presence`)) },
        {
          id: '3',
          request: new Request(url(`/users/${h.alice.id}/presence/setPresence`), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              sessionId: h.app.clientId,
              availability: 'Busy',
              activity: 'InACall',
            }),
          }),
        },
      ]),
    );
    const bob = parallel.getResponseById('1');
    expect(bob.status).toBe(200);
    expect(((await bob.json()) as { activity: string }).activity).toBe('InACall');
    expect(parallel.getResponseById('2').status).toBe(404);
    // Each item is authorised on its own: this token may read but not write.
    expect(parallel.getResponseById('3').status).toBe(403);

    const serial = await post(
      new BatchRequestContent([
        { id: '1', request: new Request(url(`/users/${h.alice.id}/presence`)) },
        { id: '2', request: new Request(url(`/users/${h.mallory.id}/presence`)), dependsOn: ['1'] },
        { id: '3', request: new Request(url(`/users/${h.bob.id}/presence`)), dependsOn: ['2'] },
      ]),
    );
    expect(serial.getResponseById('1').status).toBe(200);
    expect(serial.getResponseById('2').status).toBe(404);
    expect(serial.getResponseById('3').status).toBe(424);
    h.graph.endClientSession(h.bob.id);
  });

  it('refuses more than 20 requests and a batch without a valid token', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${h.alice.id}/presence`,
    }));
    const client = h.client(await h.appToken(['Presence.Read.All']));
    expect((await caught(client.api('/$batch').post({ requests }))).statusCode).toBe(400);
    const twenty = (await client.api('/$batch').post({ requests: requests.slice(0, 20) })) as {
      responses: Array<{ status: number }>;
    };
    expect(twenty.responses.map((r) => r.status)).toEqual(Array(20).fill(200));

    const expired = h.client(await h.appToken(['Presence.Read.All'], { lifetime: 1 }));
    h.m365.clock.advance(2_000);
    const refused = await caught(expired.api('/$batch').post({ requests: requests.slice(0, 1) }));
    expect(refused.statusCode).toBe(401);
  });

  it('throttles each item: 429 with Retry-After inside the batch once the budget is spent', async () => {
    h.graph.configureThrottle({ requests: 2, windowSeconds: 30 });
    h.graph.resetRequestCounts();
    const client = h.client(await h.appToken(['Presence.Read.All']));
    const requests = ['a', 'b', 'c'].map((id) => ({
      id,
      method: 'GET',
      url: `/users/${h.alice.id}/presence`,
    }));
    const res = (await client.api('/$batch').post({ requests })) as {
      responses: Array<{ id: string; status: number; headers: Record<string, string> }>;
    };
    const byId = new Map(res.responses.map((r) => [r.id, r]));
    expect(byId.get('a')?.status).toBe(200);
    expect(byId.get('b')?.status).toBe(200);
    expect(byId.get('c')?.status).toBe(429);
    expect(Number(byId.get('c')?.headers['Retry-After'])).toBe(30);
    expect(h.graph.requestCounts()).toMatchObject({
      http: 1,
      byEndpoint: { 'POST /$batch': 1, 'GET /users/{id}/presence': 3 },
      throttled: 1,
    });
  });
});
