import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '@ccx/event-bus';
import { webhookSubscriptions } from '@ccx/persistence';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { redisUrl } from '../../support/redis';
import { eventually, Receiver, type ReceivedRequest } from './harness';

const fast = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_RETRY_BASE_MS: '20',
  WEBHOOK_RETRY_CAP_MS: '60',
  WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES: '2',
};

const verify = (secret: string, req: ReceivedRequest) =>
  new Webhook(secret).verify(req.body, req.headers as Record<string, string>);

interface Sub {
  id: string;
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
}

describe.each(backends)('webhooks API (%s)', (backend) => {
  let api: TestApi;
  let bus: EventBus;
  let key: string;
  let otherKey: string;
  let rx: Receiver;
  let n = 0;
  const as = (k: string) => ({ authorization: `Bearer ${k}` });
  const post = (path: string, body: object = {}, k = key) =>
    api.http().post(path).set(as(k)).send(body);
  const get = (path: string, k = key) => api.http().get(path).set(as(k));
  const call = (callId = `call-${++n}`) =>
    bus.publish('call.answered', { tenantId: 'hooks-a', callId, seq: 1, data: {} });
  const subscribe = async (body: object = {}): Promise<Sub> => {
    const res = await post('/v1/webhooks', {
      url: rx.url(),
      eventTypes: ['call.answered'],
      ...body,
    });
    expect(res.status, res.text).toBe(201);
    return res.body as Sub;
  };
  const deliveriesOf = async (id: string, query = '') => {
    const res = await get(`/v1/webhooks/${id}/deliveries${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body as {
      items: {
        id: string;
        status: string;
        attempts: number;
        webhookId: string;
        attemptLog: { statusCode: number | null }[];
      }[];
      nextCursor: string | null;
    };
  };

  beforeAll(async () => {
    api = await startTestApi(backend, fast);
    key = await api.createTenant('hooks-a');
    otherKey = await api.createTenant('hooks-b');
    bus = createEventBus({ redisUrl: redisUrl(), prefix: api.config.BUS_PREFIX, source: 'test' });
  });
  afterAll(async () => {
    await bus?.close();
    await api?.close();
  });
  beforeEach(async () => {
    await rx?.close();
    rx = await Receiver.start();
    // Each test starts with no subscription of its own left enabled.
    const list = await get('/v1/webhooks?limit=200');
    for (const s of (list.body as { items: Sub[] }).items) {
      await api.http().delete(`/v1/webhooks/${s.id}`).set(as(key));
    }
  });

  it('shows the secret once, stores it sealed, and signs deliveries with it', async () => {
    const sub = await subscribe({ description: 'crm' });
    expect(sub.secret).toMatch(/^whsec_/);
    const shown = await get(`/v1/webhooks/${sub.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: sub.id,
      url: rx.url(),
      enabled: true,
      description: 'crm',
    });
    expect(JSON.stringify(shown.body)).not.toContain('whsec_');
    const [row] = await api.db.db
      .select()
      .from(webhookSubscriptions)
      .where(eq(webhookSubscriptions.id, sub.id));
    expect(row!.secretCiphertext).not.toContain(sub.secret.slice(6, 20));

    const event = await call();
    await eventually(() => rx.requests.length === 1, 15_000, 'the POST');
    expect(verify(sub.secret, rx.requests[0]!)).toMatchObject({
      type: 'call.answered',
      eventId: event.eventId,
      tenantId: 'hooks-a',
    });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const cases: [object, string][] = [
      [{ url: 'ftp://x.example/', eventTypes: ['*'] }, 'url'],
      [{ url: rx.url(), eventTypes: ['call.answred'] }, 'eventTypes.0'],
      [{ url: rx.url(), eventTypes: [] }, 'eventTypes'],
      [{ url: rx.url(), eventTypes: ['*'], secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/v1/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
        field,
      );
    }
    const rows = await api.db.db.select().from(webhookSubscriptions);
    expect(rows.filter((r) => r.tenantId === 'hooks-a')).toHaveLength(0);
  });

  it('rotates the secret, signing with both during the grace period', async () => {
    const sub = await subscribe();
    const rotated = await post(`/v1/webhooks/${sub.id}/rotate-secret`, { graceSeconds: 60 });
    expect(rotated.status, rotated.text).toBe(200);
    const fresh = (rotated.body as Sub).secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(sub.secret);
    await call();
    await eventually(() => rx.requests.length === 1);
    expect(() => verify(fresh, rx.requests[0]!)).not.toThrow();
    expect(() => verify(sub.secret, rx.requests[0]!)).not.toThrow();

    const again = await post(`/v1/webhooks/${sub.id}/rotate-secret`, { graceSeconds: 0 });
    const newest = (again.body as Sub).secret;
    await call();
    await eventually(() => rx.requests.length === 2);
    expect(() => verify(newest, rx.requests[1]!)).not.toThrow();
    expect(() => verify(fresh, rx.requests[1]!)).toThrow();
  });

  it('sends nothing while disabled, and again once enabled', async () => {
    const sub = await subscribe();
    const off = await post(`/v1/webhooks/${sub.id}/disable`);
    expect(off.body).toMatchObject({ enabled: false, disabledReason: 'disabled through the API' });
    await call();
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.requests).toHaveLength(0);
    expect((await deliveriesOf(sub.id)).items).toHaveLength(0);
    const on = await post(`/v1/webhooks/${sub.id}/enable`);
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    await call();
    await eventually(() => rx.requests.length === 1, 15_000, 'delivery after enabling');
  });

  it('lists deliveries with their attempts, filtered by status, page by page', async () => {
    rx.respond = (_n, req) =>
      (JSON.parse(req.body) as { callId: string }).callId === 'bad' ? 500 : 200;
    const sub = await subscribe();
    await call('ok-1');
    await call('ok-2');
    await call('bad');
    await eventually(
      async () => {
        const page = await deliveriesOf(sub.id);
        return page.items.length === 3 && page.items.every((d) => d.status !== 'pending');
      },
      15_000,
      'three finished deliveries',
    );
    const failed = await deliveriesOf(sub.id, '?status=failed');
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]!.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500]);
    const first = await deliveriesOf(sub.id, '?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await deliveriesOf(sub.id, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((d) => d.id);
    expect(new Set(ids).size).toBe(3);
    const one = await get(`/v1/webhooks/${sub.id}/deliveries/${ids[0]}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids[0], webhookId: expect.stringMatching(/^msg_/) });
    // The other tenant sees none of it.
    expect((await get(`/v1/webhooks/${sub.id}/deliveries`, otherKey)).status).toBe(404);
    expect((await get(`/v1/webhooks/${sub.id}/deliveries/${ids[0]}`, otherKey)).status).toBe(404);
    expect(
      (await post(`/v1/webhooks/${sub.id}/deliveries/${ids[0]}/replay`, {}, otherKey)).status,
    ).toBe(404);
    expect((await get(`/v1/webhooks/${sub.id}/deliveries?status=sent`)).status).toBe(400);
  });

  it('replays a delivery through the API, and refuses while the subscription is disabled', async () => {
    const sub = await subscribe();
    await call();
    await eventually(async () => (await deliveriesOf(sub.id)).items[0]?.status === 'succeeded');
    const [delivery] = (await deliveriesOf(sub.id)).items;
    const replay = await post(`/v1/webhooks/${sub.id}/deliveries/${delivery!.id}/replay`);
    expect(replay.status, replay.text).toBe(202);
    expect(replay.body).toMatchObject({ id: delivery!.id, status: 'pending' });
    await eventually(() => rx.requests.length === 2, 15_000, 'the replayed POST');
    expect(rx.requests[1]!.headers['webhook-id']).toBe(delivery!.webhookId);
    expect(() => verify(sub.secret, rx.requests[1]!)).not.toThrow();
    await eventually(async () => (await deliveriesOf(sub.id)).items[0]?.attempts === 2);

    await post(`/v1/webhooks/${sub.id}/disable`);
    const refused = await post(`/v1/webhooks/${sub.id}/deliveries/${delivery!.id}/replay`);
    expect(refused.status).toBe(409);
  });

  it('disables an endpoint that keeps failing, and the API shows why', async () => {
    rx.respond = () => 503;
    const sub = await subscribe();
    await call();
    await call();
    const shown = await eventually(
      async () => {
        const res = await get(`/v1/webhooks/${sub.id}`);
        return (res.body as Sub).enabled ? undefined : (res.body as Sub);
      },
      15_000,
      'the automatic disable',
    );
    expect(shown.disabledReason).toMatch(/consecutive deliveries failed/);
    rx.respond = () => 200;
    const on = await post(`/v1/webhooks/${sub.id}/enable`);
    expect(on.body).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it('pings an endpoint with a signed webhook.ping', async () => {
    const sub = await subscribe();
    const res = await post(`/v1/webhooks/${sub.id}/ping`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(verify(sub.secret, rx.requests[0]!)).toMatchObject({ type: 'webhook.ping' });
  });
});

describe('webhooks API without private targets allowed', () => {
  let api: TestApi;
  let key: string;
  beforeAll(async () => {
    api = await startTestApi('pglite', { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    key = await api.createTenant('strict');
  });
  afterAll(() => api?.close());

  it('refuses loopback, private and plain-http targets, naming url', async () => {
    for (const url of [
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest/meta-data',
      'http://93.184.215.14/hook',
    ]) {
      const res = await api
        .http()
        .post('/v1/webhooks')
        .set('authorization', `Bearer ${key}`)
        .send({ url, eventTypes: ['*'] });
      expect(res.status, url).toBe(400);
      expect((res.body as { errors: { field: string }[] }).errors[0]!.field).toBe('url');
    }
    const ok = await api
      .http()
      .post('/v1/webhooks')
      .set('authorization', `Bearer ${key}`)
      .send({ url: 'https://93.184.215.14/hook', eventTypes: ['*'] });
    expect(ok.status, ok.text).toBe(201);
  });
});
