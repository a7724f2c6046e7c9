import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  agentChangesChannel,
  ReservationStore,
  type AgentChange,
  type AgentChangesSubscription,
} from '@ccx/routing-engine';
import { waitFor } from '../../support/bus';
import { redisUrl, uniquePrefix } from '../../support/redis';

const prefix = uniquePrefix('changes');
const redis = new Redis(redisUrl());
const subscriber = new Redis(redisUrl());
let now = 1_000_000;
const store = new ReservationStore(redis, prefix, { clock: () => now });
const changes: AgentChange[] = [];
const invalid: string[] = [];
let subscription: AgentChangesSubscription;
let tenant = 0;
let t = '';

const available = {
  state: 'available',
  capacity: { voice: 1, chat: 2 },
  presence: 'Available',
} as const;

/** The messages of one agent of the current tenant, once `count` of them have arrived. */
async function messagesOf(agentId: string, count: number): Promise<AgentChange[]> {
  const mine = () => changes.filter((c) => c.tenantId === t && c.agentId === agentId);
  await waitFor(`${count} changes of ${agentId}`, () => mine().length >= count);
  return mine();
}

async function reserve(agentId: string, interactionId: string, channel: 'voice' | 'chat') {
  const r = await store.reserve(t, agentId, { interactionId, channel, ttlMs: 5_000 });
  if (!r.ok) throw new Error(`reserve refused: ${r.reason}`);
  return r.reservationId;
}

beforeAll(async () => {
  subscription = await store.subscribeAgentChanges(
    subscriber,
    (change) => changes.push(change),
    (message) => invalid.push(message),
  );
});

beforeEach(() => {
  t = `tenant-${++tenant}`;
  now = 1_000_000;
});

afterAll(async () => {
  await subscription.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([redis.quit(), subscriber.quit()]);
});

describe('agent change notifications', () => {
  it('reserve, accept and release publish snapshots with rising versions', async () => {
    await store.setAgent(t, 'a1', available);
    now += 1_000;
    const rid = await reserve('a1', 'i1', 'voice');
    now += 1_000;
    await store.accept(t, rid);
    now += 60_000;
    await store.release(t, 'i1', { wrapUpMs: 10_000 });
    now += 30_000; // the sweep comes late: the agent was idle since the end of its wrap-up
    await store.expire();

    const seen = await messagesOf('a1', 5);
    expect(seen.map((c) => c.state)).toEqual([
      'available',
      'reserved',
      'busy',
      'wrap-up',
      'available',
    ]);
    const versions = seen.map((c) => c.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(seen[2]).toMatchObject({
      tenantId: t,
      manualState: 'available',
      active: { voice: 1, chat: 0 },
      reserved: { voice: 0, chat: 0 },
      capacity: { voice: 1, chat: 2 },
      missedOffers: 0,
      presence: 'Available',
    });
    // idleSince: set when the agent became available, kept while reserved, busy and in
    // wrap-up, then the end of the wrap-up.
    expect(seen.map((c) => c.idleSince)).toEqual([
      1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_072_000,
    ]);
    const live = await store.getAgent(t, 'a1');
    expect(live).toMatchObject({ idleSince: 1_072_000, version: versions.at(-1) });
    expect(invalid).toEqual([]);
  });

  it('idleSince moves when an offer closes, a call ends without wrap-up, or on manual available', async () => {
    await store.setAgent(t, 'a1', available);
    now = 2_000_000;
    await store.reject(t, await reserve('a1', 'i1', 'voice'));
    expect(await store.getAgent(t, 'a1')).toMatchObject({ idleSince: 2_000_000 });

    now = 3_000_000;
    await store.accept(t, await reserve('a1', 'i2', 'voice'));
    now = 4_000_000;
    await store.release(t, 'i2');
    expect(await store.getAgent(t, 'a1')).toMatchObject({ idleSince: 4_000_000 });

    now = 5_000_000;
    await store.setAgent(t, 'a1', { ...available, state: 'not-ready', reason: 'lunch' });
    now = 6_000_000;
    await store.setAgent(t, 'a1', available); // from not-ready
    now = 7_000_000;
    await store.setAgent(t, 'a1', available); // already available: no move
    expect(await store.getAgent(t, 'a1')).toMatchObject({ idleSince: 6_000_000 });

    // A wrap-up that ended but was not swept yet reads as available since its end.
    now = 8_000_000;
    await store.accept(t, await reserve('a1', 'i3', 'voice'));
    await store.release(t, 'i3', { wrapUpMs: 5_000 });
    now = 9_000_000;
    expect(await store.getAgent(t, 'a1')).toMatchObject({
      state: 'available',
      idleSince: 8_005_000,
    });
    const seen = await messagesOf('a1', 12); // 12 changes so far, the last one the wrap-up
    expect(seen.at(-1)).toMatchObject({ state: 'wrap-up', idleSince: 6_000_000 });
  });

  it("carries the origin of the store that made the change ('' without one)", async () => {
    const replica = new ReservationStore(redis, prefix, { clock: () => now, origin: 'replica-a' });
    await replica.setAgent(t, 'a1', available);
    await store.setAgent(t, 'a1', { ...available, state: 'not-ready' });
    const seen = await messagesOf('a1', 2);
    expect(seen.map((c) => [c.state, c.origin])).toEqual([
      ['available', 'replica-a'],
      ['not-ready', ''],
    ]);
  });

  it('a message that is not an agent change goes to onInvalid', async () => {
    await redis.publish(agentChangesChannel(prefix), '{"tenantId":"x"}');
    await waitFor('the invalid message', () => invalid.length === 1);
    expect(invalid).toEqual(['{"tenantId":"x"}']);
    invalid.length = 0;
  });
});

describe('active interactions', () => {
  it('lists accepted interactions until they are released', async () => {
    await store.setAgent(t, 'a1', available);
    await store.setAgent(t, 'a2', available);
    now = 2_000_000;
    await store.accept(t, await reserve('a1', 'v1', 'voice'));
    now = 2_500_000;
    await store.accept(t, await reserve('a2', 'c1', 'chat'));
    await reserve('a2', 'c2', 'chat'); // offered, not accepted: not listed
    expect(await store.activeInteractions(t)).toEqual([
      { interactionId: 'v1', agentId: 'a1', channel: 'voice', since: 2_000_000 },
      { interactionId: 'c1', agentId: 'a2', channel: 'chat', since: 2_500_000 },
    ]);
    await store.release(t, 'v1');
    expect(await store.activeInteractions(t)).toEqual([
      { interactionId: 'c1', agentId: 'a2', channel: 'chat', since: 2_500_000 },
    ]);
    await store.release(t, 'c1');
    expect(await store.activeInteractions(t)).toEqual([]);
  });
});
