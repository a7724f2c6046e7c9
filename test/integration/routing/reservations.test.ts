import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ReservationStore } from '@ccx/routing-engine';
import { redisUrl, uniquePrefix } from '../../support/redis';
import { propertyRuns } from './reservations-property';

const prefix = uniquePrefix('res');
const redis = new Redis(redisUrl());
const other = new Redis(redisUrl());
let now = 1_000_000;
const clock = () => now;
const store = new ReservationStore(redis, prefix, clock);
const replicaB = new ReservationStore(other, prefix, clock);
let tenant = 0;
let t = '';

const available = {
  state: 'available',
  capacity: { voice: 1, chat: 2 },
  presence: 'Available',
} as const;

beforeEach(() => {
  t = `tenant-${++tenant}`;
  now = 1_000_000;
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([redis.quit(), other.quit()]);
});

describe('reservations: basic flows', () => {
  it('reserves, accepts, releases into wrap-up, then becomes available again', async () => {
    await store.setAgent(t, 'a1', available);
    const offer = await store.reserve(t, 'a1', {
      interactionId: 'i1',
      channel: 'voice',
      ttlMs: 15_000,
    });
    expect(offer).toMatchObject({ ok: true, agentState: 'reserved' });
    if (!offer.ok) return;
    const reserved = await store.getAgent(t, 'a1');
    expect(reserved?.reservations.map((r) => r.interactionId)).toEqual(['i1']);
    expect(reserved?.reserved.voice).toBe(1);

    expect(
      await store.reserve(t, 'a1', { interactionId: 'i2', channel: 'voice', ttlMs: 1 }),
    ).toEqual({
      ok: false,
      reason: 'agent-unavailable',
    });

    const accepted = await store.accept(t, offer.reservationId);
    expect(accepted).toMatchObject({ ok: true, changed: true, agentId: 'a1', cancelled: [] });
    expect(await store.accept(t, offer.reservationId)).toMatchObject({ ok: true, changed: false });
    const busy = await store.getAgent(t, 'a1');
    expect(busy).toMatchObject({ state: 'busy', active: { voice: 1, chat: 0 }, reservations: [] });

    expect(await store.release(t, 'i1', { wrapUpMs: 5_000 })).toMatchObject({
      changed: true,
      agentId: 'a1',
    });
    const again = await store.release(t, 'i1', { wrapUpMs: 5_000 });
    expect(again).toEqual({ changed: false, cancelled: [] });
    const wrap = await store.getAgent(t, 'a1');
    expect(wrap).toMatchObject({ state: 'wrap-up', active: { voice: 0, chat: 0 } });
    expect(wrap!.version).toBeGreaterThan(busy!.version);

    expect(
      await store.reserve(t, 'a1', { interactionId: 'i3', channel: 'voice', ttlMs: 1 }),
    ).toMatchObject({
      ok: false,
    });
    now += 5_000;
    await store.expire();
    expect(await store.getAgent(t, 'a1')).toMatchObject({ state: 'available' });
    expect(
      await store.reserve(t, 'a1', { interactionId: 'i3', channel: 'voice', ttlMs: 1 }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('refuses reserves for an ended interaction, an unknown agent, a paused agent or the wrong presence', async () => {
    await store.setAgent(t, 'a1', available);
    await store.setAgent(t, 'a2', { ...available, state: 'not-ready', reason: 'lunch' });
    await store.release(t, 'gone');
    const ask = (agent: string, interactionId: string, extra = {}) =>
      store.reserve(t, agent, { interactionId, channel: 'voice', ttlMs: 1_000, ...extra });
    expect(await ask('a1', 'gone')).toEqual({ ok: false, reason: 'interaction-ended' });
    expect(await ask('nobody', 'x')).toEqual({ ok: false, reason: 'unknown-agent' });
    expect(await ask('a2', 'x')).toEqual({ ok: false, reason: 'agent-unavailable' });
    expect(await ask('a1', 'x', { requirePresence: 'Busy' })).toEqual({
      ok: false,
      reason: 'presence',
    });
    expect(await store.setAgent(t, 'a1', { ...available, state: 'busy' as 'available' })).toEqual({
      ok: false,
      reason: 'invalid-transition',
    });
  });

  it('offers chat up to capacity, counting active and reserved, and never with voice', async () => {
    await store.setAgent(t, 'a1', available);
    const chat = (interactionId: string) =>
      store.reserve(t, 'a1', { interactionId, channel: 'chat', ttlMs: 1_000 });
    const first = await chat('c1');
    if (!first.ok) throw new Error('first chat refused');
    await store.accept(t, first.reservationId);
    expect(await chat('c2')).toMatchObject({ ok: true });
    expect(await chat('c3')).toEqual({ ok: false, reason: 'no-capacity' });
    expect(
      await store.reserve(t, 'a1', { interactionId: 'v1', channel: 'voice', ttlMs: 1 }),
    ).toEqual({
      ok: false,
      reason: 'agent-unavailable',
    });
  });

  it('an interaction is offered to one agent at a time', async () => {
    await store.setAgent(t, 'a1', available);
    await store.setAgent(t, 'a2', available);
    await store.reserve(t, 'a1', { interactionId: 'i1', channel: 'voice', ttlMs: 1_000 });
    expect(
      await store.reserve(t, 'a2', { interactionId: 'i1', channel: 'voice', ttlMs: 1_000 }),
    ).toEqual({
      ok: false,
      reason: 'interaction-offered',
    });
  });

  it('rejects and timeouts count as missed offers and pause the agent after k', async () => {
    await store.setAgent(t, 'a1', available);
    const offer = async (interactionId: string) => {
      const r = await store.reserve(t, 'a1', {
        interactionId,
        channel: 'voice',
        ttlMs: 1_000,
        maxMissedOffers: 2,
      });
      if (!r.ok) throw new Error(r.reason);
      return r.reservationId;
    };
    const first = await offer('i1');
    expect(await store.reject(t, first)).toMatchObject({
      changed: true,
      released: { paused: false },
    });
    expect(await store.reject(t, first)).toEqual({ changed: false });
    const second = await offer('i2');
    expect(await store.timeout(t, second)).toMatchObject({
      released: { paused: true, agentState: 'not-ready' },
    });
    expect(await store.getAgent(t, 'a1')).toMatchObject({
      reason: 'missed-offers',
      missedOffers: 2,
    });
    expect(await store.accept(t, second)).toEqual({ ok: false, reason: 'expired' });
    await store.setAgent(t, 'a1', available);
    expect(await store.getAgent(t, 'a1')).toMatchObject({ state: 'available', missedOffers: 0 });
  });

  it('release during an offer cancels it without counting a miss', async () => {
    await store.setAgent(t, 'a1', available);
    await store.reserve(t, 'a1', {
      interactionId: 'i1',
      channel: 'voice',
      ttlMs: 1_000,
      maxMissedOffers: 1,
    });
    const released = await store.release(t, 'i1', { wrapUpMs: 10_000 });
    expect(released.cancelled).toMatchObject([{ outcome: 'cancelled', agentId: 'a1' }]);
    expect(await store.getAgent(t, 'a1')).toMatchObject({
      state: 'available',
      missedOffers: 0,
      reservations: [],
    });
  });
});

describe('reservations: ring-all and expiry', () => {
  it('the first accept wins and cancels the other offers atomically', async () => {
    for (const a of ['a1', 'a2', 'a3']) await store.setAgent(t, a, available);
    const rids: string[] = [];
    for (const a of ['a1', 'a2', 'a3']) {
      const r = await store.reserve(t, a, {
        interactionId: 'i1',
        channel: 'voice',
        ttlMs: 1_000,
        groupId: 'g1',
      });
      if (!r.ok) throw new Error(r.reason);
      rids.push(r.reservationId);
    }
    expect(
      await store.reserve(t, 'a3', {
        interactionId: 'i1',
        channel: 'voice',
        ttlMs: 1,
        groupId: 'g2',
      }),
    ).toEqual({
      ok: false,
      reason: 'interaction-offered',
    });
    const results = await Promise.all([
      store.accept(t, rids[1]!),
      replicaB.accept(t, rids[2]!),
      store.accept(t, rids[0]!),
    ]);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, reason: 'cancelled' },
      { ok: false, reason: 'cancelled' },
    ]);
    const states = await Promise.all(['a1', 'a2', 'a3'].map((a) => store.getAgent(t, a)));
    expect(states.map((s) => s?.state).sort()).toEqual(['available', 'available', 'busy']);
    expect(states.every((s) => s?.missedOffers === 0)).toBe(true);
  });

  it('the sweep frees reservations a crashed replica left behind', async () => {
    for (const a of ['a1', 'a2']) await store.setAgent(t, a, available);
    await replicaB.reserve(t, 'a1', { interactionId: 'i1', channel: 'voice', ttlMs: 2_000 });
    await replicaB.reserve(t, 'a2', { interactionId: 'i2', channel: 'voice', ttlMs: 8_000 });
    now += 2_000;
    const swept = await store.expire();
    expect(swept.filter((s) => s.tenantId === t)).toMatchObject([
      { agentId: 'a1', interactionId: 'i1', outcome: 'expired', agentState: 'available' },
    ]);
    expect(await store.getAgent(t, 'a2')).toMatchObject({ state: 'reserved' });
    now += 6_000;
    expect((await store.expire()).filter((s) => s.tenantId === t)).toHaveLength(1);
    expect(await store.getAgent(t, 'a2')).toMatchObject({ state: 'available', reservations: [] });
  });
});

describe('reservations: two replicas racing', () => {
  const agents = Array.from({ length: 50 }, (_, i) => `a${i}`);

  it('1,000 concurrent reserves over 50 agents of capacity 1 never exceed capacity', async () => {
    for (const a of agents)
      await store.setAgent(t, a, { ...available, capacity: { voice: 1, chat: 1 } });
    const attempts = Array.from({ length: 1_000 }, (_, i) =>
      (i % 2 ? store : replicaB).reserve(t, agents[(i * 7) % 50]!, {
        interactionId: `i${i % 300}`,
        channel: i % 3 ? 'voice' : 'chat',
        ttlMs: 10_000,
      }),
    );
    const results = await Promise.all(attempts);
    const live = await Promise.all(agents.map((a) => store.getAgent(t, a)));
    for (const agent of live) {
      expect(agent!.reserved.voice + agent!.reserved.chat).toBeLessThanOrEqual(1);
      expect(agent!.reservations.length).toBe(agent!.reserved.voice + agent!.reserved.chat);
    }
    const won = results.filter((r) => r.ok).length;
    expect(won).toBe(live.reduce((sum, a) => sum + a!.reservations.length, 0));
    const held = live.flatMap((a) => a!.reservations.map((r) => r.interactionId));
    expect(new Set(held).size).toBe(held.length);
  });
});

describe('reservations: property', () => {
  it('no sequence of operations double-books or strands an agent', async () => {
    await propertyRuns(store, {
      now: clock,
      advance: (ms) => (now += ms),
      tenant: (run) => `${t}-run${run}`,
    });
  });
});
