import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEventError, type PublishRequest } from '@ccx/event-bus';
import { busPool, configChange, sleep, waitFor } from '../../support/bus';

describe('event bus: fan-out', () => {
  const pool = busPool('fanout');
  afterEach(() => pool.closeAll());

  it('delivers every event once to each of three consumer groups', async () => {
    const publisher = pool.open({ source: 'api' });
    const seen = new Map<string, string[]>();
    for (const group of ['routing', 'webhooks', 'presence']) {
      const bus = pool.open({ source: group });
      seen.set(group, []);
      await bus.subscribe(group, ['config.changed', 'call.ringing'], async (event) => {
        seen.get(group)?.push(event.eventId);
      });
    }
    const single = await Promise.all(
      Array.from({ length: 20 }, (_, i) => publisher.publish('config.changed', configChange(i))),
    );
    const batch: PublishRequest[] = Array.from({ length: 450 }, (_, i) => ({
      name: 'call.ringing',
      tenantId: 'acme',
      callId: `c-${i % 7}`,
      seq: i,
      data: { earlyMedia: i % 2 === 0 },
    }));
    const many = await publisher.publishMany(batch);
    const expected = [...single, ...many].map((e) => e.eventId).sort();
    await waitFor('all groups to handle everything', () =>
      [...seen.values()].every((ids) => ids.length >= expected.length),
    );
    await sleep(300); // anything extra would show up now
    for (const [group, ids] of seen) {
      expect([...ids].sort(), `group ${group}`).toEqual(expected);
    }
  });

  it('fills the envelope: eventId, occurredAt, version and source', async () => {
    const bus = pool.open({ source: 'api' });
    const received: unknown[] = [];
    await bus.subscribe('audit', ['config.changed'], async (e) => void received.push(e));
    const event = await bus.publish('config.changed', configChange(1));
    expect(event).toMatchObject({
      name: 'config.changed',
      version: 1,
      source: 'api',
      tenantId: 'acme',
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.occurredAt)).toBeGreaterThan(Date.now() - 60_000);
    await waitFor('delivery', () => received.length === 1);
    expect(received[0]).toEqual(event);
  });

  it('ignores a re-published eventId', async () => {
    const bus = pool.open();
    const effects: string[] = [];
    await bus.subscribe('billing', ['config.changed'], async (e) => void effects.push(e.eventId));
    const eventId = randomUUID();
    await bus.publish('config.changed', { ...configChange(7), eventId });
    await waitFor('first delivery', () => effects.length === 1);
    await bus.publish('config.changed', { ...configChange(7), eventId });
    const twice = randomUUID();
    await Promise.all([
      bus.publish('config.changed', { ...configChange(8), eventId: twice }),
      bus.publish('config.changed', { ...configChange(8), eventId: twice }),
    ]);
    await waitFor('second event', () => effects.includes(twice));
    await sleep(300);
    expect(effects).toEqual([eventId, twice]);
  });

  it('rejects invalid events at publish with a clear error, sending nothing', async () => {
    const bus = pool.open();
    const effects: unknown[] = [];
    await bus.subscribe(
      'strict',
      ['config.changed', 'call.ended'],
      async (e) => void effects.push(e),
    );
    const bad = bus.publish('config.changed', {
      tenantId: 'acme',
      data: { resource: 'spaceship', id: 'x', action: 'updated', revision: 1 } as never,
    });
    await expect(bad).rejects.toBeInstanceOf(InvalidEventError);
    await expect(bad).rejects.toThrow(/resource/);
    await expect(
      bus.publish('call.ended', { tenantId: 'acme', data: { reason: 'normal', durationMs: 5 } }),
    ).rejects.toThrow(/call-scoped and needs callId/);
    await expect(
      bus.publish('config.changed', { ...configChange(1), tenantId: 'Not A Slug' }),
    ).rejects.toThrow(InvalidEventError);
    await expect(bus.publish('no.such-event' as never, configChange(1) as never)).rejects.toThrow(
      /unknown event name/,
    );
    await sleep(200);
    expect(effects).toEqual([]);
  });

  it('refuses a second subscription of the same group to the same event in one process', async () => {
    const bus = pool.open();
    await bus.subscribe('dup', ['config.changed'], async () => undefined);
    await expect(bus.subscribe('dup', ['config.changed'], async () => undefined)).rejects.toThrow(
      /already subscribes to "config.changed"/,
    );
    await expect(
      bus.subscribe('dup2', ['call.held', 'call.held'], async () => undefined),
    ).rejects.toThrow(/already subscribes/);
    // Other events for the same group are fine, on another stream or on the same one.
    await bus.subscribe('dup', ['trunk.status-changed'], async () => undefined);
    await bus.subscribe('dup2', ['call.held'], async () => undefined);
    await bus.subscribe('dup2', ['call.resumed'], async () => undefined);
  });

  it('gives a group the events published after its first registration, even while it is down', async () => {
    const publisher = pool.open();
    await publisher.publish('config.changed', configChange(1)); // nobody subscribed: dropped
    const first = pool.open({ source: 'late' });
    const got: number[] = [];
    const sub = await first.subscribe(
      'late',
      ['config.changed'],
      async (e) => void got.push(e.data.revision),
    );
    await publisher.publish('config.changed', configChange(2));
    await waitFor('revision 2', () => got.includes(2));
    await sub.close();
    await publisher.publish('config.changed', configChange(3)); // group registered, consumer down
    const again = pool.open({ source: 'late' });
    await again.subscribe('late', ['config.changed'], async (e) => void got.push(e.data.revision));
    await waitFor('revision 3 after restart', () => got.includes(3));
    expect(got).toEqual([2, 3]);
  });
});
