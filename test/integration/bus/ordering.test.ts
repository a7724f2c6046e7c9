import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AnyEvent, EventName } from '@ccx/contracts';
import { RedisSeqStore, type FieldPatch, type PublishRequest } from '@ccx/event-bus';
import { busPool, waitFor } from '../../support/bus';
import { redisUrl } from '../../support/redis';

/** What a call-tracking consumer derives from each call event. */
function patchOf(event: AnyEvent): FieldPatch {
  switch (event.name) {
    case 'call.offered':
      return { status: 'offered', direction: event.data.direction, from: event.data.from.uri };
    case 'call.ringing':
      return { status: 'ringing' };
    case 'call.answered':
      return { status: 'answered', answeredAt: event.occurredAt };
    case 'call.held':
      return { status: 'held', onHold: true };
    case 'call.resumed':
      return { status: 'answered', onHold: false };
    case 'call.ended':
      return { status: 'ended', reason: event.data.reason, onHold: false };
    default:
      return {};
  }
}

/** The life of one call, in the order the SBC saw it (seq 1..7). */
function lifecycle(callId: string): PublishRequest[] {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
  const base = { tenantId: 'acme', callId };
  const steps: [EventName, unknown][] = [
    [
      'call.offered',
      { direction: 'inbound', from: { uri: 'sip:+4930111@pstn' }, to: { uri: 'sip:q@ccx' } },
    ],
    ['call.ringing', { earlyMedia: false }],
    ['call.answered', { codec: 'PCMA' }],
    ['call.held', { by: 'callee' }],
    ['call.resumed', { by: 'callee' }],
    ['call.held', { by: 'caller' }],
    ['call.ended', { reason: 'normal', durationMs: 61_000 }],
  ];
  return steps.map(
    ([name, data], i) => ({ ...base, name, seq: i + 1, occurredAt: at(i), data }) as PublishRequest,
  );
}

// Deterministic shuffle (the final state must not depend on the order anyway).
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('event bus: order-tolerant handlers with seq', () => {
  const pool = busPool('order');
  const redis = new Redis(redisUrl());
  afterEach(() => pool.closeAll());
  afterAll(() => redis.quit());

  it('converges to the in-order state when events arrive shuffled, concurrently and with retries', async () => {
    const calls = Array.from({ length: 12 }, (_, i) => `call-${i}`);
    const expected = {
      status: 'ended',
      direction: 'inbound',
      from: 'sip:+4930111@pstn',
      answeredAt: '2026-01-01T12:00:02.000Z',
      onHold: false,
      reason: 'normal',
    };

    // Two instances of the same group share state in Redis; handlers fail now and then.
    const store = new RedisSeqStore(redis, { prefix: pool.prefix, scope: 'tracker' });
    const naive = new Map<string, Record<string, unknown>>();
    let handled = 0;
    let failures = 0;
    for (const instance of ['i1', 'i2']) {
      const bus = pool.open({ instanceId: instance });
      await bus.subscribe(
        'tracker',
        [
          'call.offered',
          'call.ringing',
          'call.answered',
          'call.held',
          'call.resumed',
          'call.ended',
        ],
        async (event, ctx) => {
          const callId = event.callId ?? '';
          naive.set(callId, { ...naive.get(callId), ...patchOf(event) });
          if (ctx.attempt === 1 && (event.seq ?? 0) % 3 === 0) {
            failures++;
            throw new Error('transient');
          }
          await store.apply(event.tenantId, callId, event.seq ?? 0, patchOf(event));
          handled++;
        },
        { concurrency: 8, backoffMs: 30 },
      );
    }
    const publisher = pool.open({ source: 'sbc' });
    const all = shuffled(calls.flatMap(lifecycle), 7);
    // Published in small shuffled batches, plus a few duplicates of random events.
    for (let i = 0; i < all.length; i += 5) await publisher.publishMany(all.slice(i, i + 5));
    // A publisher re-sending facts it already sent (new eventIds, same seq).
    await publisher.publishMany(shuffled(all, 3).slice(0, 10));
    const total = all.length + 10;
    await waitFor('every event handled', () => handled >= total);
    expect(failures).toBeGreaterThan(0);

    for (const callId of calls) {
      expect((await store.get('acme', callId)).values, callId).toEqual(expected);
    }
    // Without the seq guard the same deliveries leave wrong states behind.
    const wrong = calls.filter((c) => !isDeepStrictEqual(naive.get(c), expected));
    expect(wrong.length).toBeGreaterThan(0);
  });

  it('ignores a stale or duplicate update', async () => {
    const store = new RedisSeqStore(redis, { prefix: pool.prefix, scope: 'dup', ttlMs: 60_000 });
    expect((await store.apply('acme', 'c', 5, { status: 'ended' })).applied).toEqual(['status']);
    expect(
      (await store.apply('acme', 'c', 3, { status: 'answered', answeredAt: 't3' })).applied,
    ).toEqual(['answeredAt']);
    expect((await store.apply('acme', 'c', 5, { status: 'ended' })).applied).toEqual([]);
    const state = await store.get('acme', 'c');
    expect(state.values).toEqual({ status: 'ended', answeredAt: 't3' });
    expect(state.seqs).toEqual({ status: 5, answeredAt: 3 });
    expect(await redis.pttl(`${pool.prefix}:bus:seq:dup:acme:c`)).toBeGreaterThan(50_000);
  });
});
