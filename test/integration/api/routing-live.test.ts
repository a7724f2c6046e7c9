import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingRuntime } from '@ccx/routing-engine';
import { startTestApi, type TestApi } from '../../support/api';
import { openTestBus } from '../../support/bus';
import { redisUrl, uniquePrefix } from '../../support/redis';
import { clientFor, type Client } from './support/client';

/**
 * The runtime endpoints against the real routing service (libs/routing-engine's RoutingRuntime
 * with its routing.* command handlers) on the API's bus: the API's requests are what the service
 * accepts, and its refusals come back as the statuses docs/api.md promises.
 */
describe('routing runtime endpoints against the routing service', () => {
  let api: TestApi;
  let t: Client;
  let routing: RoutingRuntime;
  const conns: Redis[] = [];
  const bus = () => openTestBus({ prefix: api.config.BUS_PREFIX, source: 'routing' });
  let routingBus: ReturnType<typeof bus>;
  let agentId: string;
  let unknownToRouting: string;
  let queueId: string;

  beforeAll(async () => {
    api = await startTestApi('pglite');
    t = clientFor(api, await api.createTenant('live'));
    const skill = await t.post('/v1/skills', { name: 'billing' });
    const skillId = (skill.body as { id: string }).id;
    const made = async (path: string, body: object) => {
      const res = await t.post(path, body);
      expect(res.status, res.text).toBe(201);
      return (res.body as { id: string }).id;
    };
    const agentBody = (n: number) => ({
      displayName: `Agent ${n}`,
      upn: `agent${n}@example.com`,
      skills: [{ skillId, level: 3 }],
    });
    agentId = await made('/v1/agents', agentBody(1));
    unknownToRouting = await made('/v1/agents', agentBody(2));
    queueId = await made('/v1/queues', {
      name: 'billing',
      method: 'longest-idle',
      requiredSkills: [{ skillId, minLevel: 2 }],
      maxWaitSeconds: 600,
    });

    const conn = () => {
      const c = new Redis(redisUrl(), { maxRetriesPerRequest: null });
      conns.push(c);
      return c;
    };
    routingBus = bus();
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    routing = new RoutingRuntime({
      redis: conn(),
      subscriber: conn(),
      bus: routingBus,
      prefix: uniquePrefix('routing'),
      busPrefix: api.config.BUS_PREFIX,
      log,
      commandTimeoutMs: 2_000,
    });
    // The configuration as the routing app loads it (only agent 1 is known to routing).
    routing.setTenant('live', {
      queues: [
        {
          id: queueId,
          name: 'billing',
          method: 'longest-idle',
          requiredSkills: [{ skillId, minLevel: 2 }],
          maxSize: 50,
          maxWaitSeconds: 600,
          overflow: { kind: 'disconnect' },
        },
      ],
      agents: [
        {
          id: agentId,
          displayName: 'Agent 1',
          teamsUserId: randomUUID(),
          phoneNumber: '+4930777001',
          skills: [{ skillId, level: 3 }],
          capacity: { voice: 1, chat: 0 },
        },
      ],
      numbers: [],
      flows: [],
      experts: [],
    });
    await routing.start();
  });
  afterAll(async () => {
    await routing?.stop();
    await routingBus?.close();
    await Promise.all(conns.map((c) => c.quit()));
    await api?.close();
  });

  it("sets an agent's state and reads it back", async () => {
    const set = await t.put(`/v1/agents/${agentId}/state`, { state: 'not-ready', reason: 'lunch' });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ agentId, state: 'not-ready', manualState: 'not-ready' });
    const available = await t.put(`/v1/agents/${agentId}/state`, { state: 'available' });
    expect(available.status, available.text).toBe(200);
    const status = await t.get(`/v1/agents/${agentId}/status`);
    expect(status.status, status.text).toBe(200);
    expect(status.body).toMatchObject({ agentId, manualState: 'available', offers: [] });
  });

  it('answers 404 for what the routing service does not know', async () => {
    const res = await t.put(`/v1/agents/${unknownToRouting}/state`, { state: 'available' });
    expect(res.status, res.text).toBe(404);
    expect((await t.post('/v1/offers/no-such-offer/accept')).status).toBe(404);
    expect((await t.post('/v1/calls/no-such-call/callback', {})).status).toBe(404);
  });

  it("reads the queue's live statistics and searches experts", async () => {
    const one = await t.get(`/v1/queues/${queueId}/stats`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ queueId, waiting: 0 });
    const all = await t.get('/v1/queue-stats');
    expect(all.status, all.text).toBe(200);
    expect((all.body as { queues: { queueId: string }[] }).queues.map((q) => q.queueId)).toEqual([
      queueId,
    ]);
    const experts = await t.get('/v1/expert-search?topic=billing');
    expect(experts.status, experts.text).toBe(200);
    expect(experts.body).toEqual({ topic: 'billing', experts: [] });
  });
});
