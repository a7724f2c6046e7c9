import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { presenceRegisterKey, readPresence } from '@ccx/event-bus';
import { ReservationStore } from '@ccx/routing-engine';
import { openTestBus } from '../../support/bus';
import { redisUrl, uniquePrefix } from '../../support/redis';

// The bus and the reservations share one prefix here, as they would share BUS_PREFIX in routing.
const prefix = uniquePrefix('presence');
const redis = new Redis(redisUrl());
const bus = openTestBus({ prefix, source: 'presence' });
const store = new ReservationStore(redis, prefix, {
  presenceKey: (tenantId) => presenceRegisterKey(prefix, tenantId),
});
const unaware = new ReservationStore(redis, prefix);
let tenant = 0;
let t = '';
let interaction = 0;

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

const presence = (availability: 'Available' | 'Busy' | 'Away', offsetMs: number) => ({
  tenantId: t,
  occurredAt: at(offsetMs),
  data: {
    userId: 'u-1',
    availability,
    activity: availability === 'Busy' ? 'InACall' : 'Available',
  },
});

/** A presence-aware voice offer for a fresh interaction, released again if it succeeded. */
async function offer(s: ReservationStore = store, agentId = 'a1') {
  const interactionId = `i${++interaction}`;
  const result = await s.reserve(t, agentId, {
    interactionId,
    channel: 'voice',
    ttlMs: 10_000,
    requirePresence: 'Available',
  });
  if (result.ok) await s.release(t, interactionId);
  return result.ok ? 'ok' : result.reason;
}

beforeEach(async () => {
  t = `tenant-${++tenant}`;
  await store.setAgent(t, 'a1', {
    state: 'available',
    capacity: { voice: 1, chat: 1 },
    presence: 'Available',
    teamsUserId: 'u-1',
  });
});

afterAll(async () => {
  await bus.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('presence register: written when presence.changed is published', () => {
  it('a Busy published just before the offer refuses it, though no consumer ever ran', async () => {
    expect(await offer()).toBe('ok');
    // No group subscribes presence.changed in this test: nothing will ever consume the event.
    await bus.publish('presence.changed', presence('Busy', 0));
    expect(await offer()).toBe('presence');
    expect(await store.getAgent(t, 'a1')).toMatchObject({ presence: 'Available' });

    await bus.publish('presence.changed', presence('Available', 1_000));
    expect(await offer()).toBe('ok');
  });

  it('an older presence published after a newer one does not win', async () => {
    await bus.publish('presence.changed', presence('Busy', 5_000));
    await bus.publish('presence.changed', presence('Available', 4_000));
    expect(await offer()).toBe('presence');
    const read = await readPresence(redis, prefix, t, ['u-1', 'u-unknown']);
    expect([...read]).toEqual([
      ['u-1', { availability: 'Busy', activity: 'InACall', at: T0 + 5_000 }],
    ]);

    // Within one publishMany too: the newest wins whatever the order.
    await bus.publishMany([
      { name: 'presence.changed', ...presence('Available', 7_000) },
      { name: 'presence.changed', ...presence('Away', 6_000) },
    ]);
    expect(await offer()).toBe('ok');
    expect((await readPresence(redis, prefix, t, ['u-1'])).get('u-1')).toMatchObject({
      availability: 'Available',
      at: T0 + 7_000,
    });
  });

  it("falls back to the agent's own presence when the register has nothing for its user", async () => {
    await store.setAgent(t, 'a2', {
      state: 'available',
      capacity: { voice: 1, chat: 1 },
      presence: 'Available',
      teamsUserId: 'u-2',
    });
    expect(await offer(store, 'a2')).toBe('ok');
    expect(await store.setPresence(t, 'a2', 'Away')).toMatchObject({ ok: true });
    expect(await offer(store, 'a2')).toBe('presence');
    expect(await store.setPresence(t, 'nobody', 'Away')).toEqual({
      ok: false,
      reason: 'unknown-agent',
    });
  });

  it('a store without the register option reads only the agent hash', async () => {
    await bus.publish('presence.changed', presence('Busy', 0));
    expect(await offer(unaware)).toBe('ok');
    expect(await offer(store)).toBe('presence');
  });

  it('setAgent without teamsUserId keeps the stored one', async () => {
    await store.setAgent(t, 'a1', {
      state: 'available',
      capacity: { voice: 1, chat: 1 },
      presence: 'Available',
    });
    expect(await store.getAgent(t, 'a1')).toMatchObject({ teamsUserId: 'u-1' });
    await bus.publish('presence.changed', presence('Busy', 0));
    expect(await offer()).toBe('presence');
  });
});
