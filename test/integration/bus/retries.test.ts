import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { eventQueueName, PermanentEventError, type HandlerContext } from '@ccx/event-bus';
import { busPool, configChange, sleep, waitFor } from '../../support/bus';
import { redisUrl } from '../../support/redis';

const fast = { backoffMs: 100 };

describe('event bus: retries and dead letters', () => {
  const pool = busPool('retry');
  afterEach(() => pool.closeAll());

  it('retries a failing group on its own: the other group is neither delayed nor duplicated', async () => {
    const bus = pool.open();
    const log: string[] = [];
    const attemptsA: number[] = [];
    await bus.subscribe(
      'group-a',
      ['config.changed'],
      async (_e, ctx: HandlerContext) => {
        attemptsA.push(ctx.attempt);
        log.push(`a:${ctx.attempt}`);
        if (ctx.attempt <= 2) throw new Error(`a fails attempt ${ctx.attempt}`);
      },
      { ...fast, backoffMs: 300 },
    );
    let handledB = 0;
    await bus.subscribe('group-b', ['config.changed'], async () => {
      handledB++;
      log.push('b');
    });
    await bus.publish('config.changed', configChange(1));
    await waitFor('group a to succeed on attempt 3', () => attemptsA.includes(3));
    await sleep(300);
    expect(attemptsA).toEqual([1, 2, 3]);
    expect(handledB).toBe(1);
    // B was done before A's first retry even started.
    expect(log.indexOf('b')).toBeLessThan(log.indexOf('a:2'));
  });

  it('keeps events that exhaust their attempts as dead letters, listable and replayable', async () => {
    const bus = pool.open();
    let broken = true;
    const handled: number[] = [];
    await bus.subscribe(
      'fragile',
      ['config.changed'],
      async (event) => {
        if (broken && event.data.revision === 2) throw new Error('downstream said 500');
        handled.push(event.data.revision);
      },
      { attempts: 3, backoffMs: 50 },
    );
    const events = [];
    for (const rev of [1, 2, 3])
      events.push(await bus.publish('config.changed', configChange(rev)));
    const dead = events[1];
    await waitFor('a dead letter', async () => (await bus.deadLetters('fragile')).length === 1);
    const [letter] = await bus.deadLetters('fragile');
    expect(letter).toMatchObject({
      group: 'fragile',
      stream: 'config',
      jobId: dead?.eventId,
      attempts: 3,
      failedReason: 'downstream said 500',
    });
    expect(letter?.event.eventId).toBe(dead?.eventId);
    expect(handled.sort()).toEqual([1, 3]);

    broken = false;
    await bus.replay('fragile', dead?.eventId ?? '');
    await waitFor('the replayed event', () => handled.includes(2));
    expect(await bus.deadLetters('fragile')).toEqual([]);
    await expect(bus.replay('fragile', dead?.eventId ?? '')).rejects.toThrow(/not a dead letter/);
  });

  it('retries only the failed events of a batch, and dead-letters them one by one', async () => {
    const bus = pool.open();
    const runs = new Map<number, number[]>();
    await bus.subscribe(
      'batcher',
      ['config.changed'],
      async (event, ctx) => {
        const rev = event.data.revision;
        runs.set(rev, [...(runs.get(rev) ?? []), ctx.attempt]);
        if (rev === 3 && ctx.attempt === 1) throw new Error('flaky once');
        if (rev === 4) throw new PermanentEventError('never valid for us');
      },
      { attempts: 4, backoffMs: 50 },
    );
    const events = await bus.publishMany(
      [1, 2, 3, 4, 5].map((rev) => ({ name: 'config.changed' as const, ...configChange(rev) })),
    );
    await waitFor('event 3 retried', () => runs.get(3)?.length === 2);
    await waitFor('event 4 dead', async () => (await bus.deadLetters('batcher')).length === 1);
    await sleep(200);
    expect(Object.fromEntries(runs)).toEqual({ 1: [1], 2: [1], 3: [1, 2], 4: [1], 5: [1] });
    const [letter] = await bus.deadLetters('batcher');
    expect(letter).toMatchObject({ jobId: events[3]?.eventId, failedReason: 'never valid for us' });
  });

  it('sends an event that fails validation on the consumer side straight to dead letters', async () => {
    const bus = pool.open();
    const handled: unknown[] = [];
    await bus.subscribe('validator', ['config.changed'], async (e) => void handled.push(e), fast);
    // A producer that bypasses the bus library writes a malformed job into the group's queue.
    const queue = new Queue(eventQueueName('validator', 'config'), {
      prefix: pool.prefix,
      connection: { url: redisUrl() },
    });
    try {
      const forged = {
        ...configChange(1),
        eventId: '0c6f3c59-4a9b-4c8e-9d1e-7d1d7b0c0a11',
        name: 'config.changed',
        version: 1,
        source: 'rogue',
        occurredAt: 'yesterday',
      };
      await queue.add(
        'config.changed',
        { events: [forged] },
        { jobId: forged.eventId, attempts: 8 },
      );
      await waitFor('dead letter', async () => (await bus.deadLetters('validator')).length === 1);
      const [letter] = await bus.deadLetters('validator');
      expect(letter?.attempts).toBe(1);
      expect(letter?.failedReason).toMatch(/invalid event: .*occurredAt/s);
      expect(handled).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
