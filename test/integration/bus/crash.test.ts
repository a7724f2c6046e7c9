import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busPool, configChange, waitFor } from '../../support/bus';
import { buildDist, startChild, stopChild, type Child } from '../../support/child';
import { redisUrl } from '../../support/redis';

const CONSUMER = 'test/support/bus-consumer.js';

describe('event bus: consumer processes', () => {
  const pool = busPool('crash');
  const redis = new Redis(redisUrl());
  const children: Child[] = [];
  const consumer = (instance: string, mode: string, extra: Record<string, string> = {}) => {
    const child = startChild(CONSUMER, {
      REDIS_URL: redisUrl(),
      BUS_PREFIX: pool.prefix,
      BUS_GROUP: 'crashy',
      BUS_INSTANCE: instance,
      BUS_MODE: mode,
      BUS_LOCK_MS: '2000',
      ...extra,
    });
    children.push(child);
    return child;
  };
  const handled = async () => redis.lrange(`${pool.prefix}:test:handled`, 0, -1);

  beforeAll(() => buildDist());
  afterAll(async () => {
    await Promise.all(children.map(stopChild));
    await pool.closeAll();
    await redis.quit();
  });

  it('redelivers to another consumer what a SIGKILLed consumer was handling', async () => {
    const doomed = consumer('doomed', 'hang');
    await doomed.waitForLine(/^ready$/);
    const publisher = pool.open({ source: 'api' });
    const batch = await publisher.publishMany(
      Array.from({ length: 20 }, (_, i) => ({
        name: 'config.changed' as const,
        ...configChange(i),
      })),
    );
    const single = await publisher.publish('config.changed', configChange(99));
    const ids = [...batch, single].map((e) => e.eventId).sort();
    await doomed.waitForLine(new RegExp(`^started ${single.eventId} 1$`));
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    expect(await handled()).toEqual([]);

    const survivor = consumer('survivor', 'record');
    await survivor.waitForLine(/^ready$/);
    await waitFor(
      'every event handled by the survivor',
      async () => (await handled()).length >= ids.length,
      30_000,
    );
    const lines = (await handled()).map((l) => l.split(' '));
    expect(lines.map(([, id]) => id).sort()).toEqual(ids);
    expect(new Set(lines.map(([instance]) => instance))).toEqual(new Set(['survivor']));
    // The survivor sees them as redeliveries.
    expect(lines.every(([, , attempt]) => Number(attempt) >= 2)).toBe(true);
  });

  it('gives back on SIGTERM what it cannot finish within the grace period', async () => {
    const stuck = consumer('stuck', 'hang', {
      BUS_GROUP: 'handover',
      BUS_LOCK_MS: '60000',
      BUS_CLOSE_GRACE_MS: '300',
    });
    await stuck.waitForLine(/^ready$/);
    const publisher = pool.open({ source: 'api' });
    const event = await publisher.publish('config.changed', configChange(5));
    await stuck.waitForLine(new RegExp(`^started ${event.eventId}`));
    stuck.process.kill('SIGTERM');
    expect(await stuck.exited).toBe(0);
    // With a 60 s lock, only the give-back lets another consumer have it now.
    const heir = consumer('heir', 'record', { BUS_GROUP: 'handover', BUS_LOCK_MS: '60000' });
    await heir.waitForLine(new RegExp(`^handled heir ${event.eventId}`), 15_000);
  });

  it('finishes in-flight events on SIGTERM before exiting', async () => {
    await redis.del(`${pool.prefix}:test:handled`);
    const graceful = consumer('graceful', 'slow', { BUS_SLOW_MS: '700', BUS_GROUP: 'polite' });
    await graceful.waitForLine(/^ready$/);
    const publisher = pool.open({ source: 'api' });
    const event = await publisher.publish('config.changed', configChange(1));
    await graceful.waitForLine(new RegExp(`^started ${event.eventId}`));
    graceful.process.kill('SIGTERM');
    expect(await graceful.exited).toBe(0);
    expect(graceful.lines).toContain('closed');
    const mine = (await handled()).filter((l) => l.startsWith('graceful '));
    expect(mine).toEqual([`graceful ${event.eventId} 1`]);
  });
});
