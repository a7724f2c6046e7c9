import { and, asc, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyEvent } from '@ccx/contracts';
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '@ccx/persistence';
import { deliveryIdFor, webhookIdOf } from '@ccx/webhooks';
import { backends } from '../../support/database';
import { eventually, Receiver, startHarness, type Harness } from './harness';

describe.each(backends)('webhook delivery (%s)', (backend) => {
  let h: Harness;
  let rx: Receiver;
  let tenantId: string;
  const disabled: AnyEvent[] = [];

  beforeAll(async () => {
    h = await startHarness(backend);
    await h.bus.subscribe('observer', ['webhook.endpoint-disabled'], async (e) => {
      disabled.push(e as AnyEvent);
    });
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    rx = await Receiver.start();
    tenantId = await h.newTenant();
  });
  afterEach(() => rx.close());

  const answered = (callId = 'call-1') =>
    h.bus.publish('call.answered', { tenantId, callId, seq: 2, data: { codec: 'PCMA' } });

  const deliveryOf = async (subscriptionId: string, eventId: string) => {
    const [row] = await h.db.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, deliveryIdFor(subscriptionId, eventId)));
    return row;
  };
  const attemptsOf = (deliveryId: string) =>
    h.db.db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, deliveryId))
      .orderBy(asc(webhookAttempts.attempt));
  const subscription = async (id: string) =>
    (await h.db.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)))[0]!;
  const finished = (subId: string, eventId: string) =>
    eventually(
      async () => {
        const d = await deliveryOf(subId, eventId);
        return d && d.status !== 'pending' ? d : undefined;
      },
      15_000,
      'the delivery to finish',
    );

  it('POSTs a subscribed event, signed so the receiver verifies it with the secret shown', async () => {
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    const event = await answered();
    await eventually(() => rx.requests.length === 1, 15_000, 'the POST');
    const req = rx.requests[0]!;
    const headers = {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    };
    expect(new Webhook(sub.secret).verify(req.body, headers)).toEqual({
      type: 'call.answered',
      timestamp: event.occurredAt,
      eventId: event.eventId,
      version: 1,
      tenantId,
      callId: 'call-1',
      seq: 2,
      data: { codec: 'PCMA' },
    });
    expect(req.headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe(webhookIdOf(deliveryIdFor(sub.id, event.eventId)));
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(req.body, headers),
    ).toThrow();

    const delivery = await finished(sub.id, event.eventId);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([[1, 200, null]]);
  });

  it('sends only the event types a subscription names ("*" takes all)', async () => {
    const calls = await h.addSubscription(tenantId, rx.url('/calls'), ['call.answered']);
    const all = await Receiver.start();
    try {
      await h.addSubscription(tenantId, all.url('/all'), ['*']);
      await h.bus.publish('agent.state-changed', {
        tenantId,
        data: { agentId: 'a1', state: 'available', version: 1 },
      });
      await h.bus.publish('call.ended', {
        tenantId,
        callId: 'c9',
        seq: 9,
        data: { reason: 'normal', durationMs: 1000 },
      });
      const event = await answered('c9');
      await eventually(() => all.requests.length === 3, 15_000, 'three events at the * endpoint');
      const types = all.requests.map((r) => (JSON.parse(r.body) as { type: string }).type).sort();
      expect(types).toEqual(['agent.state-changed', 'call.answered', 'call.ended']);
      await eventually(() => rx.requests.length === 1);
      expect(JSON.parse(rx.requests[0]!.body)).toMatchObject({ type: 'call.answered' });
      const rows = await h.db.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.subscriptionId, calls.id));
      expect(rows.map((r) => r.eventId)).toEqual([event.eventId]);
    } finally {
      await all.close();
    }
  });

  it('retries a failing receiver with backoff and records every attempt', async () => {
    rx.respond = (n) => (n <= 2 ? 500 : 200);
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    const event = await answered();
    const delivery = await finished(sub.id, event.eventId);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, nextAttemptAt: null });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 200, null],
    ]);
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const a of attempts) expect(a.durationMs).toBeGreaterThanOrEqual(0);
    // Backoff: the attempts are spread, not fired back to back.
    const gap = attempts[1]!.at.getTime() - attempts[0]!.at.getTime();
    expect(gap).toBeGreaterThanOrEqual(10);
  });

  it('disables a subscription after persistent failure and announces it', async () => {
    rx.respond = () => 503;
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    const [e1, e2] = [await answered('x1'), await answered('x2')];
    const row = await eventually(
      async () => {
        const s = await subscription(sub.id);
        return s.enabled ? undefined : s;
      },
      20_000,
      'the subscription to be disabled',
    );
    expect(row.disabledReason).toMatch(/2 consecutive deliveries failed every attempt.*HTTP 503/);
    expect(row.consecutiveFailures).toBe(2);
    for (const e of [e1, e2]) {
      expect(await deliveryOf(sub.id, e.eventId)).toMatchObject({ status: 'failed', attempts: 4 });
    }
    expect(rx.requests).toHaveLength(8);
    const notice = await eventually(
      () =>
        disabled.find(
          (e) => e.name === 'webhook.endpoint-disabled' && e.data.subscriptionId === sub.id,
        ),
      10_000,
      'webhook.endpoint-disabled',
    );
    expect(notice).toMatchObject({ tenantId, data: { url: rx.url(), failures: 2 } });
    // Nothing more is sent to a disabled endpoint.
    const later = await answered('x3');
    expect(await h.runtime.dispatcher.handle(later)).toBe(0);
  });

  it('disables at once when the endpoint answers 410 Gone', async () => {
    rx.respond = () => 410;
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    const event = await answered();
    const delivery = await finished(sub.id, event.eventId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
    const row = await eventually(async () => {
      const s = await subscription(sub.id);
      return s.enabled ? undefined : s;
    });
    expect(row.disabledReason).toMatch(/410 Gone/);
    expect(rx.requests).toHaveLength(1);
    await eventually(() =>
      disabled.some(
        (e) => e.name === 'webhook.endpoint-disabled' && e.data.subscriptionId === sub.id,
      ),
    );
  });

  it('replays a delivery as a new series of attempts, succeeded or failed', async () => {
    rx.respond = (n) => (n <= 4 ? 500 : 200);
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    const event = await answered();
    const failed = await finished(sub.id, event.eventId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 4 });

    expect(await h.runtime.replay(tenantId, sub.id, failed.id)).toBe('queued');
    const ok = await finished(sub.id, event.eventId);
    expect(ok).toMatchObject({ status: 'succeeded', attempts: 5 });
    expect(await h.runtime.replay(tenantId, sub.id, failed.id)).toBe('queued');
    await eventually(() => rx.requests.length === 6, 10_000, 'the second replay');
    const again = await finished(sub.id, event.eventId);
    expect(again.attempts).toBe(6);
    expect((await attemptsOf(failed.id)).map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    // Same webhook-id every time, and the replayed request verifies.
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const last = rx.requests[5]!;
    expect(() =>
      new Webhook(sub.secret).verify(last.body, last.headers as Record<string, string>),
    ).not.toThrow();
    // Another tenant cannot replay it.
    const other = await h.newTenant();
    expect(await h.runtime.replay(other, sub.id, failed.id)).toBe('not-found');
  });

  it('sends a redelivered event once', async () => {
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    const event = await answered();
    await finished(sub.id, event.eventId);
    // The bus hands the same event to the dispatcher again (a consumer crashed before its ack),
    expect(await h.runtime.dispatcher.handle(event as AnyEvent)).toBe(0);
    // and a publisher repeats it with the same id.
    await h.bus.publish('call.answered', {
      tenantId,
      eventId: event.eventId,
      callId: 'call-1',
      seq: 2,
      data: { codec: 'PCMA' },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.requests).toHaveLength(1);
    const rows = await h.db.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.subscriptionId, sub.id)));
    expect(rows).toHaveLength(1);
  });

  it('queues again a delivery left pending by a crash between insert and enqueue', async () => {
    const sub = await h.addSubscription(tenantId, rx.url(), ['call.answered']);
    // Stand-alone dispatch: an event that has not travelled the bus.
    const event = { ...(await answered('y1')) } as AnyEvent;
    await finished(sub.id, event.eventId);
    const orphan = { ...event, eventId: '0b5c7a8e-1111-4222-8333-444455556666' } as AnyEvent;
    await h.db.db.insert(webhookDeliveries).values({
      id: deliveryIdFor(sub.id, orphan.eventId),
      tenantId,
      subscriptionId: sub.id,
      eventId: orphan.eventId,
      eventName: orphan.name,
      payload: {},
    });
    expect(await h.runtime.dispatcher.handle(orphan)).toBe(1);
    expect(await finished(sub.id, orphan.eventId)).toMatchObject({ status: 'succeeded' });
  });
});
