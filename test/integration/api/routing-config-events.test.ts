import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus, Subscription } from '@ccx/event-bus';
import { LiveConfig, liveResources } from '@ccx/live-config';
import { startTestApi, type TestApi } from '../../support/api';
import { openTestBus, waitFor } from '../../support/bus';
import { backends } from '../../support/database';
import { redisUrl } from '../../support/redis';
import { clientFor, type Client } from './support/client';
import { created, userId } from './support/routing-config';

// What the routing service does with LiveConfigModule: follow config.changed as its own group
// and re-read each changed row into the Redis projection.
describe.each(backends)('flows and experts reach the live projection (%s)', (b) => {
  let api: TestApi;
  let bus: EventBus;
  let redis: Redis;
  let live: LiveConfig;
  let subscription: Subscription;
  let t: Client;

  beforeAll(async () => {
    api = await startTestApi(b);
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    live = new LiveConfig(redis, api.db.db, api.config.BUS_PREFIX);
    bus = openTestBus({ prefix: api.config.BUS_PREFIX, source: 'routing' });
    subscription = await bus.subscribe('routing', ['config.changed'], async (event) => {
      await live.apply(event);
    });
    t = clientFor(api, await api.createTenant('live'));
  });
  afterAll(async () => {
    await subscription?.close();
    await bus?.close();
    redis?.disconnect();
    await api?.close();
  });

  it('projects flows and experts as they are created, changed and deleted', async () => {
    expect(liveResources).toEqual(expect.arrayContaining(['flow', 'expert']));
    const expert = await created(t, '/v1/experts', {
      displayName: 'Erin',
      userId: userId(3),
      phoneNumber: '+4930555003',
      topics: ['vat'],
    });
    const queueId = await created(t, '/v1/queues', {
      name: 'support',
      method: 'longest-idle',
      maxWaitSeconds: 30,
    });
    const flow = await created(t, '/v1/flows', {
      name: 'main',
      definition: { start: 'wait', nodes: { wait: { kind: 'queue', queueId } } },
    });
    await waitFor('flow and expert projected', async () => {
      const [flows, experts] = [await live.list('live', 'flow'), await live.list('live', 'expert')];
      return flows.length === 1 && experts.length === 1;
    });
    expect(await live.get('live', 'flow', flow)).toMatchObject({
      name: 'main',
      definition: { start: 'wait' },
      revision: 1,
    });
    expect(await live.get('live', 'expert', expert)).toMatchObject({
      userId: userId(3),
      topics: ['vat'],
      phoneNumber: '+4930555003',
    });

    await t.patch(`/v1/experts/${expert}`, { topics: ['vat', 'billing'] });
    await waitFor('expert change projected', async () => {
      const row = await live.get('live', 'expert', expert);
      return row?.revision === 2;
    });
    expect((await live.get('live', 'expert', expert))?.['topics']).toEqual(['vat', 'billing']);

    expect((await t.delete(`/v1/flows/${flow}`)).status).toBe(204);
    await waitFor('flow deletion projected', async () => !(await live.get('live', 'flow', flow)));
    expect(await live.list('live', 'flow')).toEqual([]);
  });
});
