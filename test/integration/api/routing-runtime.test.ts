import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { seedTenant } from './support/fixtures';
import { startRoutingStub, type RoutingStub } from './support/routing-stub';

/**
 * The API's side of the routing runtime: validation, tenant checks, the command it sends, and
 * how the routing service's answers and silences become HTTP statuses. A command handler on
 * the test API's bus plays the routing service.
 */
describe.each(backends)('routing runtime endpoints (%s)', (backend) => {
  let api: TestApi;
  let t: Client;
  let other: Client;
  let agentId: string;
  let queueId: string;
  let stub: RoutingStub | undefined;

  beforeAll(async () => {
    api = await startTestApi(backend);
    t = clientFor(api, await api.createTenant('rt-a'));
    other = clientFor(api, await api.createTenant('rt-b'));
    // The shared fixtures know the current shape of queues and agents.
    const seeded = await seedTenant(t, 1, ['/v1/agents']);
    agentId = seeded.objects['/v1/agents'] ?? '';
    queueId = seeded.refs.queueId;
  });
  afterAll(async () => {
    await stub?.close();
    await api?.close();
  });

  const put = (client: Client, path: string, body: unknown) => client.put(path, body);

  it('answers 503 when no routing service answers', async () => {
    const res = await put(t, `/v1/agents/${agentId}/state`, { state: 'available' });
    expect(res.status, res.text).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body as { detail: string }).detail).toBe('the routing service did not answer');
    expect((await t.get('/v1/queue-stats')).status).toBe(503);
  });

  describe('with a routing service', () => {
    beforeAll(async () => {
      stub = await startRoutingStub(api.config.BUS_PREFIX);
    });
    const sent = () => stub?.requests.map((r) => r.name) ?? [];

    it("sets an agent's state for the key's tenant and returns the live status", async () => {
      const res = await put(t, `/v1/agents/${agentId}/state`, {
        state: 'not-ready',
        reason: 'lunch',
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ agentId, state: 'not-ready', reason: 'lunch' });
      expect(stub?.requests.at(-1)).toEqual({
        name: 'routing.agent-state',
        request: { tenantId: 'rt-a', agentId, state: 'not-ready', reason: 'lunch' },
      });
      const status = await t.get(`/v1/agents/${agentId}/status`);
      expect(status.status, status.text).toBe(200);
      expect(status.body).toMatchObject({ agentId, active: { voice: 0, chat: 0 } });
    });

    it('validates first: bad bodies are 400, unknown agents 404, and nothing is sent', async () => {
      const before = sent().length;
      const bad = await put(t, `/v1/agents/${agentId}/state`, { state: 'busy' });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad.body)).toEqual(['state']);
      const tenant = await put(t, `/v1/agents/${agentId}/state`, {
        state: 'available',
        tenantId: 'rt-b',
      });
      expect(fieldsOf(tenant.body)).toEqual(['tenantId']);
      expect(
        (await put(t, `/v1/agents/${randomUUID()}/state`, { state: 'available' })).status,
      ).toBe(404);
      expect((await put(t, '/v1/agents/not-a-uuid/state', { state: 'available' })).status).toBe(
        404,
      );
      // Another tenant's agent does not exist for this key.
      expect((await put(other, `/v1/agents/${agentId}/state`, { state: 'available' })).status).toBe(
        404,
      );
      expect((await other.get(`/v1/agents/${agentId}/status`)).status).toBe(404);
      const text = await t
        .put(`/v1/agents/${agentId}/state`)
        .set('content-type', 'text/plain')
        .send('state=available');
      expect(text.status).toBe(415);
      expect(sent().length).toBe(before);
    });

    it('maps a state conflict to 409 and a failing routing service to 502', async () => {
      stub?.world.busyAgents.add(`rt-a/${agentId}`);
      const conflict = await put(t, `/v1/agents/${agentId}/state`, { state: 'logged-out' });
      expect(conflict.status, conflict.text).toBe(409);
      expect((conflict.body as { detail: string }).detail).toBe(
        `agent ${agentId}: invalid-transition`,
      );
      stub?.world.busyAgents.clear();
      stub?.world.failNext.set('routing.agent-status', `not found: no agent ${agentId}`);
      expect((await t.get(`/v1/agents/${agentId}/status`)).status).toBe(404);
      stub?.world.failNext.set('routing.agent-status', 'Connection is closed.');
      const broken = await t.get(`/v1/agents/${agentId}/status`);
      expect(broken.status).toBe(502);
      expect(broken.text).not.toContain('Connection');
    });

    it('accepts and rejects offers: unknown ones 404, expired ones 409', async () => {
      stub?.world.reservations.set('res-1', 'rt-a');
      stub?.world.reservations.set('expired-1', 'rt-a');
      const ok = await t.post('/v1/offers/res-1/accept');
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body).toEqual({ reservationId: 'res-1', outcome: 'accepted' });
      expect(stub?.requests.at(-1)?.request).toEqual({
        tenantId: 'rt-a',
        reservationId: 'res-1',
        accept: true,
      });
      expect((await t.post('/v1/offers/res-1/reject')).body).toMatchObject({ outcome: 'rejected' });
      expect((await t.post('/v1/offers/expired-1/accept')).status).toBe(409);
      expect((await t.post('/v1/offers/nope/accept')).status).toBe(404);
      expect((await other.post('/v1/offers/res-1/accept')).status).toBe(404);
      expect((await t.post(`/v1/offers/${'x'.repeat(129)}/accept`)).status).toBe(400);
    });

    it("reads one queue's live statistics, or all of them", async () => {
      const one = await t.get(`/v1/queues/${queueId}/stats`);
      expect(one.status, one.text).toBe(200);
      expect(one.body).toMatchObject({ queueId, waiting: 2, serviceLevel: 0.75 });
      expect(stub?.requests.at(-1)?.request).toEqual({ tenantId: 'rt-a', queueId });
      expect((await other.get(`/v1/queues/${queueId}/stats`)).status).toBe(404);
      const all = await t.get('/v1/queue-stats');
      expect(all.status).toBe(200);
      expect((all.body as { queues: unknown[] }).queues).toHaveLength(2);
      const named = await t.get('/v1/queue-stats?tenantId=rt-b');
      expect(named.status).toBe(400);
      expect(fieldsOf(named.body)).toEqual(['tenantId']);
    });

    it('lists experts on a topic and transfers to a reachable one, else the fallback, else 409', async () => {
      stub?.world.experts.set('rt-a', [
        {
          expertId: 'e-1',
          displayName: 'Grace',
          userId: 'u-1',
          topics: ['billing'],
          availability: 'Available',
          reachable: true,
        },
      ]);
      const search = await t.get('/v1/expert-search?topic=billing');
      expect(search.status, search.text).toBe(200);
      expect(search.body).toMatchObject({ topic: 'billing', experts: [{ expertId: 'e-1' }] });
      expect((await other.get('/v1/expert-search?topic=billing')).body).toEqual({
        topic: 'billing',
        experts: [],
      });
      expect(fieldsOf((await t.get('/v1/expert-search')).body)).toEqual(['topic']);

      stub?.world.calls.set('call-1', 'rt-a');
      const transfer = await t.post(
        '/v1/calls/call-1/expert-transfer',
        { topic: 'billing' },
        {
          'idempotency-key': 'transfer-1',
        },
      );
      expect(transfer.status, transfer.text).toBe(200);
      expect(transfer.body).toEqual({ expertId: 'e-1', usedFallback: false });
      expect(stub?.requests.at(-1)?.request).toMatchObject({
        requestId: 'transfer-1',
        callId: 'call-1',
      });
      const fallback = await t.post('/v1/calls/call-1/expert-transfer', {
        topic: 'tax',
        fallback: { kind: 'number', number: '+4930123456' },
      });
      expect(fallback.body).toEqual({ usedFallback: true });
      const none = await t.post('/v1/calls/call-1/expert-transfer', { topic: 'tax' });
      expect(none.status).toBe(409);
      expect((none.body as { detail: string }).detail).toBe('no expert on "tax" is available');
      expect(
        (await other.post('/v1/calls/call-1/expert-transfer', { topic: 'billing' })).status,
      ).toBe(404);
      const badFallback = await t.post('/v1/calls/call-1/expert-transfer', {
        topic: 'tax',
        fallback: { kind: 'number', number: '030 123' },
      });
      expect(fieldsOf(badFallback.body)).toEqual(['fallback.number']);
    });

    it('queues a callback, passing the Idempotency-Key as the request id', async () => {
      stub?.world.calls.set('call-2', 'rt-a');
      const res = await t.post(
        '/v1/calls/call-2/callback',
        { number: '+4930999999' },
        {
          'idempotency-key': 'cb-1',
        },
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ interactionId: 'i-call-2', position: 3 });
      expect(stub?.requests.at(-1)?.request).toEqual({
        tenantId: 'rt-a',
        requestId: 'cb-1',
        callId: 'call-2',
        number: '+4930999999',
      });
      const plain = await t.post('/v1/calls/call-2/callback', {});
      expect(plain.status).toBe(200);
      expect((stub?.requests.at(-1)?.request as { requestId: string }).requestId).toMatch(
        /^[0-9a-f-]{36}$/,
      );
      const badKey = await t.post('/v1/calls/call-2/callback', {}, { 'idempotency-key': 'é' });
      expect(fieldsOf(badKey.body)).toEqual(['Idempotency-Key']);
      expect(fieldsOf((await t.post('/v1/calls/call-2/callback', { number: '123' })).body)).toEqual(
        ['number'],
      );
      expect((await t.post('/v1/calls/unknown/callback', {})).status).toBe(404);
    });
  });
});
