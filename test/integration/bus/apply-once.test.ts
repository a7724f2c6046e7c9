import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { applyOnce } from '@ccx/persistence';
import { backends, openTestDatabase, type TestDatabase } from '../../support/database';
import { redisUrl, uniquePrefix } from '../../support/redis';

const trunkDown = (eventId: string) => ({
  tenantId: 'acme',
  eventId,
  data: { trunkId: 'trunk-1', state: 'down' as const },
});

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(backends)('a handler using applyOnce has no second effect (%s)', (backend) => {
  let db: TestDatabase;
  let bus: EventBus;
  let calls = 0;
  let failNext = false;

  const effects = async () =>
    Number((await db.pool.query<{ n: string }>('select count(*) as n from alarm_log')).rows[0]?.n);

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await db.pool.query('create table alarm_log (event_id uuid not null, trunk_id text not null)');
    bus = createEventBus({
      redisUrl: redisUrl(),
      prefix: uniquePrefix('once'),
      source: 'test',
      logger: createLogger('test', 'silent'),
    });
    await bus.subscribe(
      'alarms',
      ['trunk.status-changed'],
      async (event) => {
        calls++;
        await applyOnce(db.db, 'alarms', event.eventId, async (tx) => {
          await tx.execute(
            sql`insert into alarm_log values (${event.eventId}, ${event.data.trunkId})`,
          );
          if (failNext) {
            failNext = false;
            throw new Error('database hiccup after the insert');
          }
        });
      },
      { backoffMs: 50 },
    );
  });

  afterAll(async () => {
    await bus?.close();
    await db?.destroy();
  });

  it('applies an event published again in another batch only once', async () => {
    const id = randomUUID();
    await bus.publish('trunk.status-changed', trunkDown(id));
    await until(async () => (await effects()) === 1);
    const before = calls;
    await bus.publishMany([
      { name: 'trunk.status-changed', ...trunkDown(id) },
      { name: 'trunk.status-changed', ...trunkDown(randomUUID()) },
    ]);
    await until(async () => calls >= before + 2);
    expect(calls).toBe(before + 2);
    expect(await effects()).toBe(2);
  });

  it('keeps nothing of an effect that failed, and applies it on the retry', async () => {
    const start = await effects();
    failNext = true;
    await bus.publish('trunk.status-changed', trunkDown(randomUUID()));
    await until(async () => (await effects()) === start + 1);
    const recorded = await db.pool.query(
      'select count(*) as n from processed_events where consumer = $1',
      ['alarms'],
    );
    expect(Number(recorded.rows[0]?.n)).toBe(start + 1);
  });

  it('lets two concurrent deliveries of one event apply it once', async () => {
    const id = randomUUID();
    const start = await effects();
    const apply = () =>
      applyOnce(db.db, 'alarms', id, async (tx) => {
        await tx.execute(sql`insert into alarm_log values (${id}, 'trunk-2')`);
      });
    const results = await Promise.all([apply(), apply(), apply()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await effects()).toBe(start + 1);
  });
});
