import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { created, promptDir, refused, userId } from './support/routing-config';

describe.each(backends)('routing configuration: queues, agents, number ranges (%s)', (b) => {
  let api: TestApi;
  let t: Client;
  let skill: string;
  let agent: string;
  const queue = <T extends object>(name: string, extra: T = {} as T) => ({
    name,
    method: 'longest-idle',
    maxWaitSeconds: 60,
    ...extra,
  });

  beforeAll(async () => {
    api = await startTestApi(b, { API_PROMPT_DIR: promptDir() });
    t = clientFor(api, await api.createTenant('routing'));
    skill = await created(t, '/v1/skills', { name: 'german' });
    agent = await created(t, '/v1/agents', {
      displayName: 'Ada',
      upn: 'ada@example.com',
      teamsUserId: userId(1),
    });
    await created(t, '/v1/experts', {
      displayName: 'Erin',
      userId: userId(2),
      phoneNumber: '+4930555000',
      topics: ['tax-law'],
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('stores a queue with every routing field, and fills the defaults', async () => {
    const full = queue('full', {
      method: 'serial',
      serialOrder: [agent],
      requiredSkills: [{ skillId: skill, minLevel: 4 }],
      escalation: [{ afterSeconds: 60, requiredSkills: [{ skillId: skill, minLevel: 1 }] }],
      priorityAgingPerMinute: 1.5,
      maxSize: 50,
      overflow: { kind: 'number', target: '+4930123456', prompt: 'sorry.wav' },
      hours: {
        timeZone: 'Europe/Berlin',
        weekly: { mon: [{ from: '08:00', to: '18:00' }] },
        holidays: ['2026-12-25'],
      },
      offerTimeoutSeconds: 15,
      wrapUpSeconds: 30,
      presenceAware: false,
      serviceLevelSeconds: 30,
    });
    const res = await t.post('/v1/queues', full);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      ...full,
      hours: { ...full.hours, weekly: { mon: full.hours.weekly.mon, sun: [] } },
    });
    const plain = await t.post('/v1/queues', queue('plain'));
    expect(plain.body).toMatchObject({
      requiredSkills: [],
      escalation: [],
      priorityAgingPerMinute: 0,
      maxSize: 100,
      overflow: { kind: 'disconnect' },
      hours: null,
      offerTimeoutSeconds: 20,
      wrapUpSeconds: 0,
      presenceAware: true,
      serialOrder: [],
      serviceLevelSeconds: 20,
    });
    const cleared = await t.patch(`/v1/queues/${res.body.id}`, {
      hours: null,
      method: 'ring-all',
    });
    expect(cleared.body).toMatchObject({ hours: null, method: 'ring-all', maxSize: 50 });
  });

  it('refuses queues the routing service could not run, naming the field', async () => {
    const post = (body: object) => () => t.post('/v1/queues', body);
    await refused(api, post(queue('a', { strategy: 'round-robin' })), 400, ['strategy']);
    await refused(api, post(queue('a', { method: 'skills-weighted' })), 400, ['method']);
    await refused(api, post(queue('a', { method: 'serial' })), 400, ['serialOrder']);
    await refused(
      api,
      post(queue('a', { requiredSkills: [{ skillId: skill, minLevel: 6 }] })),
      400,
      ['requiredSkills.0.minLevel'],
    );
    const ghost = '00000000-0000-4000-8000-000000000009';
    await refused(
      api,
      post(
        queue('a', {
          escalation: [{ afterSeconds: 30, requiredSkills: [{ skillId: ghost, minLevel: 1 }] }],
        }),
      ),
      400,
      ['escalation.0.requiredSkills.0.skillId'],
    );
    await refused(api, post(queue('a', { serialOrder: [agent, ghost] })), 400, ['serialOrder.1']);
    await refused(api, post(queue('a', { hours: { timeZone: 'Mars/Olympus', weekly: {} } })), 400, [
      'hours.timeZone',
    ]);
  });

  it('checks the overflow target: a queue, an E.164 number, a Teams user it knows', async () => {
    const post = (overflow: object) => () => t.post('/v1/queues', queue('o', { overflow }));
    const ghost = '00000000-0000-4000-8000-000000000009';
    await refused(api, post({ kind: 'queue' }), 400, ['overflow.target']);
    await refused(api, post({ kind: 'queue', target: ghost }), 400, ['overflow.target']);
    await refused(api, post({ kind: 'number', target: '030123' }), 400, ['overflow.target']);
    await refused(api, post({ kind: 'teams-user', target: userId(99) }), 400, ['overflow.target']);
    const toAgent = await created(
      t,
      '/v1/queues',
      queue('to-agent', { overflow: { kind: 'teams-user', target: userId(1) } }),
    );
    const toExpert = await created(
      t,
      '/v1/queues',
      queue('to-expert', { overflow: { kind: 'teams-user', target: userId(2) } }),
    );
    const q1 = await created(t, '/v1/queues', queue('chain-1'));
    const q2 = await created(
      t,
      '/v1/queues',
      queue('chain-2', { overflow: { kind: 'queue', target: q1 } }),
    );
    const into = (target: string) => ({ overflow: { kind: 'queue', target } });
    await refused(api, () => t.patch(`/v1/queues/${q1}`, into(q1)), 400, ['overflow.target']);
    const loop = await refused(api, () => t.patch(`/v1/queues/${q1}`, into(q2)), 400, [
      'overflow.target',
    ]);
    expect(loop).toMatch(/loop/);
    await refused(api, () => t.delete(`/v1/queues/${q1}`), 409, ['id']);
    // The Teams users stay while a queue overflows to them.
    await refused(api, () => t.patch(`/v1/agents/${agent}`, { teamsUserId: null }), 409, [
      'teamsUserId',
    ]);
    for (const id of [toAgent, toExpert, q2, q1])
      expect((await t.delete(`/v1/queues/${id}`)).status).toBe(204);
  });

  it('stores agents with capacity per channel, opt-outs, auto-pause and a number', async () => {
    const optOut = await created(t, '/v1/queues', queue('opted-out'));
    const res = await t.post('/v1/agents', {
      displayName: 'Bo',
      upn: 'bo@example.com',
      skills: [{ skillId: skill, level: 5 }],
      capacity: { voice: 0, chat: 4 },
      optOutQueues: [optOut],
      maxMissedOffers: 0,
      phoneNumber: '+4930123499',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ capacity: { voice: 0, chat: 4 }, maxMissedOffers: 0 });
    const plain = await t.post('/v1/agents', { displayName: 'Cy', upn: 'cy@example.com' });
    expect(plain.body).toMatchObject({
      capacity: { voice: 1, chat: 0 },
      optOutQueues: [],
      maxMissedOffers: 3,
      phoneNumber: null,
      teamsUserId: null,
    });
    const bad = (body: object) => () =>
      t.post('/v1/agents', { displayName: 'X', upn: 'x@example.com', ...body });
    await refused(api, bad({ capacity: { voice: 2, chat: 0 } }), 400, ['capacity.voice']);
    await refused(api, bad({ capacity: { voice: 1, chat: 21 } }), 400, ['capacity.chat']);
    await refused(api, bad({ skills: [{ skillId: skill, level: 6 }] }), 400, ['skills.0.level']);
    await refused(api, bad({ optOutQueues: ['00000000-0000-4000-8000-000000000009'] }), 400, [
      'optOutQueues.0',
    ]);
    await refused(api, bad({ phoneNumber: '0301234' }), 400, ['phoneNumber']);
    await refused(api, bad({ maxConcurrent: 2 }), 400, ['maxConcurrent']);
    const serial = await created(
      t,
      '/v1/queues',
      queue('serial', { method: 'serial', serialOrder: [res.body.id] }),
    );
    await refused(api, () => t.delete(`/v1/agents/${res.body.id}`), 409, ['id']);
    expect((await t.delete(`/v1/queues/${serial}`)).status).toBe(204);
    expect((await t.delete(`/v1/agents/${res.body.id}`)).status).toBe(204);
  });

  it('sends a queue range to exactly one queue or flow', async () => {
    const target = await created(t, '/v1/queues', queue('range-target'));
    const flow = await created(t, '/v1/flows', {
      name: 'range flow',
      definition: { start: 'w', nodes: { w: { kind: 'queue', queueId: target } } },
    });
    let n = 0;
    const range = (extra: object) => ({
      firstNumber: `+49301${n}000`,
      lastNumber: `+49301${n++}099`,
      ...extra,
    });
    const post = (extra: object) => () => t.post('/v1/number-ranges', range(extra));
    await refused(api, post({ purpose: 'queue' }), 400, ['queueId']);
    await refused(api, post({ purpose: 'queue', queueId: target, flowId: flow }), 400, ['flowId']);
    await refused(api, post({ purpose: 'did', queueId: target }), 400, ['queueId']);
    await refused(api, post({ purpose: 'agent', flowId: flow }), 400, ['flowId']);
    await refused(
      api,
      post({ purpose: 'queue', flowId: '00000000-0000-4000-8000-000000000009' }),
      400,
      ['flowId'],
    );
    const toQueue = await created(
      t,
      '/v1/number-ranges',
      range({ purpose: 'queue', queueId: target }),
    );
    const toFlow = await created(t, '/v1/number-ranges', range({ purpose: 'queue', flowId: flow }));
    await refused(api, () => t.patch(`/v1/number-ranges/${toQueue}`, { purpose: 'did' }), 400, [
      'queueId',
    ]);
    const moved = await t.patch(`/v1/number-ranges/${toQueue}`, { queueId: null, flowId: flow });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ queueId: null, flowId: flow });

    await refused(api, () => t.delete(`/v1/flows/${flow}`), 409, ['id']);
    const inUse = await t.delete(`/v1/queues/${target}`);
    expect(inUse.status).toBe(409);
    expect(fieldsOf(inUse.body)).toEqual(['id']);
    expect(inUse.body.detail).toMatch(/flow "range flow"/);
    for (const id of [toQueue, toFlow])
      expect((await t.delete(`/v1/number-ranges/${id}`)).status).toBe(204);
    expect((await t.delete(`/v1/flows/${flow}`)).status).toBe(204);
    const last = await created(
      t,
      '/v1/number-ranges',
      range({ purpose: 'queue', queueId: target }),
    );
    const named = await t.delete(`/v1/queues/${target}`);
    expect(named.status).toBe(409);
    expect(named.body.detail).toMatch(/number range/);
    expect((await t.delete(`/v1/number-ranges/${last}`)).status).toBe(204);
    expect((await t.delete(`/v1/queues/${target}`)).status).toBe(204);
  });
});
