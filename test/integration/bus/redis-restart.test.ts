import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '@ccx/event-bus';
import { configChange, openTestBus, sleep, waitFor } from '../../support/bus';
import { PrivateRedis } from '../../support/redis-server';
import { uniquePrefix } from '../../support/redis';

describe('event bus: Redis restart (AOF, appendfsync always)', () => {
  let redis: PrivateRedis;
  const buses: EventBus[] = [];
  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await redis.destroy();
  });

  it('loses no acknowledged publish when Redis is killed and restarted mid-stream', async () => {
    const prefix = uniquePrefix('restart');
    const open = (source: string) => {
      const bus = openTestBus({
        redisUrl: redis.url,
        prefix,
        source,
        lockDurationMs: 2_000,
        publishTimeoutMs: 20_000,
      });
      buses.push(bus);
      return bus;
    };
    const handled = new Map<string, Set<string>>([
      ['routing', new Set()],
      ['webhooks', new Set()],
    ]);
    for (const [group, ids] of handled) {
      await open(group).subscribe(group, ['config.changed'], async (e) => void ids.add(e.eventId), {
        backoffMs: 100,
      });
    }
    const publisher = open('api');
    const acknowledged: string[] = [];
    const rejected: unknown[] = [];
    const total = 600;
    let next = 0;
    let killed = false;
    const publishOne = async (revision: number) => {
      try {
        const event = await publisher.publish('config.changed', configChange(revision));
        acknowledged.push(event.eventId);
      } catch (err) {
        rejected.push(err);
      }
    };
    const lane = async () => {
      while (next < total) {
        await publishOne(next++);
        if (next % 20 === 0) await sleep(5);
      }
    };
    const whileDown: Promise<void>[] = [];
    const chaos = (async () => {
      await waitFor(
        'a third of the events acknowledged',
        () => acknowledged.length >= total / 3,
        30_000,
      );
      await redis.kill();
      killed = true;
      await expect(publisher.health()).rejects.toThrow();
      // New publishes while Redis is down wait in the client's offline queue.
      for (let i = 0; i < 20; i++) whileDown.push(publishOne(total + i));
      await sleep(700);
      await redis.restart();
      await waitFor('health back', () =>
        publisher.health().then(
          () => true,
          () => false,
        ),
      );
    })();
    await Promise.all([lane(), lane(), lane(), lane(), chaos]);
    await Promise.all(whileDown);
    expect(killed).toBe(true);
    expect(rejected).toEqual([]);
    expect(acknowledged.length).toBe(total + 20);
    for (const [group, ids] of handled) {
      await waitFor(
        `${group} to handle every acknowledged event`,
        () => acknowledged.every((id) => ids.has(id)),
        45_000,
      );
    }
  });
});
