// The routing runtime over a real bus and Redis, with the SBC's side scripted on the bus:
// call.offered in, sbc.* commands out, offers accepted by answering, refused offers re-offered
// in place, presence honoured, callbacks, flows, overflow.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { routingHarness, rows, type RoutingHarness } from '../../support/routing-harness';

const QUEUE_NUMBER = '+4930555000';
const skill = randomUUID();

function queueRow(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `q-${id.slice(0, 4)}`,
    method: 'longest-idle',
    requiredSkills: [{ skillId: skill, minLevel: 2 }],
    maxSize: 50,
    maxWaitSeconds: 600,
    overflow: { kind: 'disconnect' },
    offerTimeoutSeconds: 15,
    ...extra,
  };
}

function agentRow(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: `agent-${n}`,
    displayName: `Agent ${n}`,
    teamsUserId: `00000000-0000-4000-8000-00000000000${n}`,
    phoneNumber: `+4930777000${n}`,
    skills: [{ skillId: skill, level: 3 }],
    capacity: { voice: 1, chat: 0 },
    ...extra,
  };
}

const numberRow = (queueId: string, number = QUEUE_NUMBER) => ({
  firstNumber: number,
  lastNumber: number,
  purpose: 'queue',
  queueId,
});

let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

async function signIn(agents: number[], presence: 'Available' | 'Busy' = 'Available') {
  for (const n of agents) {
    await h.presence(`00000000-0000-4000-8000-00000000000${n}`, presence);
    await h.runtime.commands.agentState({
      tenantId: h.tenantId,
      agentId: `agent-${n}`,
      state: 'available',
    });
    // Idle order: agent 1 first, then 2, ...
    await new Promise((r) => setTimeout(r, 5));
  }
  await h.waitFor('presence seen by routing', () =>
    agents.every((n) => h.runtime.deps.mirror.get(h.tenantId, `agent-${n}`).presence === presence),
  );
}

/** A fresh harness with one queue on QUEUE_NUMBER served by these agents, signed in. */
async function oneQueueOf(agents: number[]): Promise<string> {
  h = await routingHarness();
  const q = randomUUID();
  await h.start(
    rows({
      queues: [queueRow(q)],
      agents: agents.map((n) => agentRow(n)),
      numbers: [numberRow(q)],
    }),
  );
  await signIn(agents);
  return q;
}

/** An agent's visible state as the routing commands report it. */
const stateOf = async (agentId: string) =>
  (await h.runtime.commands.agentStatus({ tenantId: h.tenantId, agentId })).state;

/** Calls to the queue number, each rung to an agent, answered and assigned. */
async function connectedCalls(count: number): Promise<string[]> {
  const calls: string[] = [];
  for (let i = 0; i < count; i++) calls.push(await h.offerCall(QUEUE_NUMBER));
  await h.waitFor(`${count} offers`, () => h.sent('sbc.connect').length === count);
  for (const call of calls) await h.answer(call);
  await h.waitFor(`${count} assigned`, () => h.of('interaction.assigned').length === count);
  return calls;
}

const connectsTo = (number: string) =>
  h.sent('sbc.connect').filter((c) => (c['target'] as { number?: string }).number === number);

describe('routing runtime over the bus', () => {
  it('offers a queued call to the longest-idle agent, accepts on answer and frees the agent on hang-up', async () => {
    const q = await oneQueueOf([1, 2]);

    const call = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('sbc.connect', () => h.sent('sbc.connect').length === 1);
    const connect = h.sent('sbc.connect')[0] ?? {};
    expect(connect).toMatchObject({
      callId: call,
      target: { kind: 'teams-user', number: '+49307770001' },
      timeoutSeconds: 15,
    });

    await h.answer(call);
    await h.waitFor('assigned', () => h.of('interaction.assigned').length === 1);
    expect(h.of('interaction.assigned')[0]?.data).toMatchObject({ queueId: q, agentId: 'agent-1' });
    const busy = await h.runtime.commands.agentStatus({ tenantId: h.tenantId, agentId: 'agent-1' });
    expect(busy.state).toBe('busy');

    await h.hangup(call);
    await h.waitFor('completed', () => h.of('interaction.completed').length === 1);
    await h.waitFor(
      'agent available again',
      async () => (await stateOf('agent-1')) === 'available',
    );
    await h.waitFor('agent.state-changed events', () =>
      h
        .of('agent.state-changed')
        .some((e) => e.data.agentId === 'agent-1' && e.data.state === 'busy'),
    );
  });

  it('re-offers a declined call, which keeps its place ahead of later callers', async () => {
    h = await routingHarness();
    const q = randomUUID();
    await h.start(
      rows({ queues: [queueRow(q)], agents: [agentRow(1), agentRow(2)], numbers: [numberRow(q)] }),
    );
    await signIn([1]);

    const first = await h.offerCall(QUEUE_NUMBER, '+4940000001');
    await h.waitFor('first offer', () => h.sent('sbc.connect').length === 1);
    const second = await h.offerCall(QUEUE_NUMBER, '+4940000002');
    await h.waitFor('second queued', () => h.of('interaction.queued').length === 2);

    // Agent 1 declines; the older caller is offered again before the newer one.
    await h.connectFailed(first, String(h.sent('sbc.connect')[0]?.['requestId']), 'busy');
    await h.waitFor('re-offer', () => h.sent('sbc.connect').length >= 2);
    // The first caller (older) is offered again, not the second one.
    expect(h.sent('sbc.connect')[1]?.['callId']).toBe(first);
    await h.waitFor('offer-ended rejected', () =>
      h.of('interaction.offer-ended').some((e) => e.data.outcome === 'rejected'),
    );
    expect(h.sent('sbc.connect').filter((c) => c['callId'] === second)).toHaveLength(0);
  });

  it('never offers to an agent whose Teams presence turned Busy before the decision', async () => {
    await oneQueueOf([1, 2]);
    // Published just before the call; no time for routing to consume it first.
    await h.presence('00000000-0000-4000-8000-000000000001', 'Busy');
    await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('offer', () => h.sent('sbc.connect').length === 1);
    expect(connectsTo('+49307770001')).toHaveLength(0);
    expect(connectsTo('+49307770002')).toHaveLength(1);
  });

  it('waits while nobody is Available, and offers as soon as presence says Available', async () => {
    h = await routingHarness();
    const q = randomUUID();
    await h.start(rows({ queues: [queueRow(q)], agents: [agentRow(1)], numbers: [numberRow(q)] }));
    await signIn([1], 'Busy');
    await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('queued', () => h.of('interaction.queued').length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.sent('sbc.connect')).toHaveLength(0);
    await h.presence('00000000-0000-4000-8000-000000000001', 'Available');
    await h.waitFor('offer', () => h.sent('sbc.connect').length === 1);
  });

  it('calls back a caller who left the queue, keeping the place (agent first, then the customer)', async () => {
    h = await routingHarness();
    const q = randomUUID();
    await h.start(rows({ queues: [queueRow(q)], agents: [agentRow(1)], numbers: [numberRow(q)] }));
    const call = await h.offerCall(QUEUE_NUMBER, '+4940123123');
    await h.waitFor('queued', () => h.of('interaction.queued').length === 1);
    const reply = await h.runtime.commands.callback({
      tenantId: h.tenantId,
      requestId: 'cb1',
      callId: call,
    });
    expect(reply).toMatchObject({ accepted: true, position: 1 });
    expect(h.sent('sbc.hangup').map((c) => c['callId'])).toEqual([call]);
    await h.hangup(call); // the SBC reports the hang-up it was asked for
    await h.waitFor(
      'callback-requested',
      () => h.of('interaction.callback-requested').length === 1,
    );
    const stats = await h.runtime.commands.queueStats({ tenantId: h.tenantId, queueId: q });
    expect(stats.queues[0]).toMatchObject({ callbacks: 1, waiting: 0, abandoned: 0 });

    await signIn([1]);
    await h.waitFor('originate', () => h.sent('sbc.originate').length === 1);
    expect(h.sent('sbc.originate')[0]).toMatchObject({
      first: { kind: 'teams-user', number: '+49307770001' },
      then: { kind: 'number', number: '+4940123123' },
    });
    const callbackCall = String(h.sent('sbc.originate')[0]?.['callId']);
    await h.answer(callbackCall);
    await h.waitFor('assigned', () => h.of('interaction.assigned').length === 1);
    expect(h.of('interaction.abandoned')).toHaveLength(0);
  });

  it('overflows to another queue after the maximum wait, keeping the place there', async () => {
    h = await routingHarness();
    const q1 = randomUUID();
    const q2 = randomUUID();
    const other = randomUUID();
    await h.start(
      rows({
        queues: [
          queueRow(q1, { maxWaitSeconds: 1, overflow: { kind: 'queue', target: q2 } }),
          queueRow(q2, { requiredSkills: [{ skillId: other, minLevel: 1 }] }),
        ],
        agents: [agentRow(1), agentRow(2, { skills: [{ skillId: other, level: 1 }] })],
        numbers: [numberRow(q1)],
      }),
    );
    await signIn([2]);
    await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('overflowed', () => h.of('interaction.overflowed').length === 1, 8_000);
    expect(h.of('interaction.overflowed')[0]?.data).toMatchObject({
      fromQueueId: q1,
      to: `queue:${q2}`,
      reason: 'max-wait',
    });
    await h.waitFor('offered in the overflow queue', () => connectsTo('+49307770002').length === 1);
  });

  it('runs a virtual-assistant flow: answer, menu on DTMF, skills set, then the queue', async () => {
    h = await routingHarness();
    const q = randomUUID();
    const flowId = randomUUID();
    const flow = {
      start: 'menu',
      nodes: {
        menu: {
          kind: 'menu',
          prompt: 'menu.wav',
          options: { '1': 'sales', '2': 'support' },
          timeoutSeconds: 5,
        },
        sales: { kind: 'disconnect' },
        support: {
          kind: 'set',
          priority: 80,
          skills: [{ skillId: skill, minLevel: 3 }],
          next: 'queue',
        },
        queue: { kind: 'queue', queueId: q },
      },
    };
    await h.start(
      rows({
        queues: [queueRow(q)],
        agents: [agentRow(1)],
        flows: [{ id: flowId, name: 'main', definition: flow }],
        numbers: [
          { firstNumber: QUEUE_NUMBER, lastNumber: QUEUE_NUMBER, purpose: 'queue', flowId },
        ],
      }),
    );
    await signIn([1]);
    const call = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('answer and menu prompt', () => h.sent('sbc.play').length === 1);
    expect(h.sent('sbc.answer').map((c) => c['callId'])).toEqual([call]);
    expect(h.sent('sbc.play')[0]).toMatchObject({
      callId: call,
      prompt: 'menu.wav',
      bargeIn: true,
    });

    await h.sbcBus.publish('media.dtmf-detected', {
      tenantId: h.tenantId,
      callId: call,
      data: { leg: 'a', digit: '2', durationMs: 100 },
    });
    await h.waitFor('queued from the flow', () => h.of('interaction.queued').length === 1);
    expect(h.of('interaction.queued')[0]?.data).toMatchObject({
      queueId: q,
      priority: 80,
      requiredSkills: [skill],
    });
    await h.waitFor('offered', () => h.sent('sbc.connect').length === 1);
  });

  it('lists experts on a topic with live presence and transfers to a reachable one, else the fallback', async () => {
    h = await routingHarness();
    const q = randomUUID();
    const expert = (n: number, topics: string[]) => ({
      id: `expert-${n}`,
      displayName: `Expert ${n}`,
      userId: `10000000-0000-4000-8000-00000000000${n}`,
      phoneNumber: `+4930888000${n}`,
      topics,
    });
    await h.start(
      rows({
        queues: [queueRow(q)],
        numbers: [numberRow(q)],
        experts: [expert(1, ['billing']), expert(2, ['billing']), expert(3, ['tax'])],
      }),
    );
    await h.presence('10000000-0000-4000-8000-000000000001', 'Busy');
    await h.presence('10000000-0000-4000-8000-000000000002', 'Available');
    await h.presence('10000000-0000-4000-8000-000000000003', 'DoNotDisturb');
    const listed = await h.runtime.commands.experts({ tenantId: h.tenantId, topic: 'billing' });
    expect(listed.experts.map((e) => [e.expertId, e.availability, e.reachable])).toEqual([
      ['expert-2', 'Available', true],
      ['expert-1', 'Busy', false],
    ]);

    const call = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('queued', () => h.of('interaction.queued').length === 1);
    const done = await h.runtime.commands.expertTransfer({
      tenantId: h.tenantId,
      requestId: 'x1',
      callId: call,
      topic: 'billing',
    });
    expect(done).toMatchObject({ accepted: true, expertId: 'expert-2', usedFallback: false });
    expect(h.sent('sbc.transfer').at(-1)).toMatchObject({
      callId: call,
      kind: 'blind',
      target: { kind: 'teams-user', number: '+49308880002' },
    });

    // Nobody on "tax" is reachable: the fallback number is used.
    const fallback = await h.runtime.commands.expertTransfer({
      tenantId: h.tenantId,
      requestId: 'x2',
      callId: call,
      topic: 'tax',
      fallback: { kind: 'number', number: '+4930999000' },
    });
    expect(fallback).toMatchObject({ accepted: true, usedFallback: true });
    expect(h.sent('sbc.transfer').at(-1)).toMatchObject({
      target: { kind: 'number', number: '+4930999000' },
    });
    const none = await h.runtime.commands.expertTransfer({
      tenantId: h.tenantId,
      requestId: 'x3',
      callId: call,
      topic: 'tax',
    });
    expect(none).toMatchObject({ accepted: false, usedFallback: false });
  });

  it('ring-all offers every free agent; the first to accept gets the call, the others are cancelled', async () => {
    h = await routingHarness();
    const q = randomUUID();
    await h.start(
      rows({
        queues: [queueRow(q, { method: 'ring-all' })],
        agents: [agentRow(1), agentRow(2), agentRow(3)],
        numbers: [numberRow(q)],
      }),
    );
    await signIn([1, 2, 3]);
    const call = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('three offers', () => h.of('interaction.offered').length === 3);
    expect(h.sent('sbc.connect')).toHaveLength(0);
    const offer2 = h.of('interaction.offered').find((e) => e.data.agentId === 'agent-2');
    const reply = await h.runtime.commands.offerResponse({
      tenantId: h.tenantId,
      reservationId: offer2?.data.reservationId ?? '',
      accept: true,
    });
    expect(reply).toEqual({ ok: true });
    expect(h.sent('sbc.connect')).toEqual([
      expect.objectContaining({
        callId: call,
        target: { kind: 'teams-user', number: '+49307770002' },
      }),
    ]);
    await h.waitFor(
      'two cancelled',
      () =>
        h.of('interaction.offer-ended').filter((e) => e.data.outcome === 'cancelled').length === 2,
    );
    const late = h.of('interaction.offered').find((e) => e.data.agentId === 'agent-3');
    const refused = await h.runtime.commands.offerResponse({
      tenantId: h.tenantId,
      reservationId: late?.data.reservationId ?? '',
      accept: true,
    });
    expect(refused.ok).toBe(false);
  });

  it('turns away the newest caller of a full queue and publishes live statistics', async () => {
    h = await routingHarness();
    const q = randomUUID();
    await h.start(
      rows({
        queues: [queueRow(q, { maxSize: 1, overflow: { kind: 'disconnect' } })],
        agents: [agentRow(1)],
        numbers: [numberRow(q)],
      }),
    );
    const first = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('first queued', () => h.of('interaction.queued').length === 1);
    const second = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('overflowed', () => h.of('interaction.overflowed').length === 1);
    expect(h.of('interaction.overflowed')[0]).toMatchObject({
      callId: second,
      data: { reason: 'max-size', to: 'disconnect' },
    });
    await h.waitFor('hung up', () => h.sent('sbc.hangup').some((c) => c['callId'] === second));
    expect(h.sent('sbc.hangup').some((c) => c['callId'] === first)).toBe(false);
    await h.waitFor('queue.stats', () =>
      h.of('queue.stats').some((e) => e.data.queueId === q && e.data.waiting === 1),
    );
  });

  it('counts a call answered by the agent as answered even when its hang-up is handled before the answer', async () => {
    await oneQueueOf([1]);
    const call = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('offer', () => h.sent('sbc.connect').length === 1);
    const at = new Date().toISOString();
    // The SBC's call.ended (with its CDR: answered, 2 s billed) arrives; its call.answered never does.
    await h.sbcBus.publish('call.ended', {
      tenantId: h.tenantId,
      callId: call,
      seq: 9,
      data: {
        reason: 'normal',
        durationMs: 2000,
        q850Cause: 16,
        cdr: {
          direction: 'inbound',
          from: '+4940111222',
          to: QUEUE_NUMBER,
          startedAt: at,
          answeredAt: at,
          endedAt: at,
          billableMs: 2000,
          endedBy: 'caller',
          attempts: 1,
        },
      },
    });
    await h.waitFor('completed', () => h.of('interaction.completed').length === 1);
    expect(h.of('interaction.assigned')).toHaveLength(1);
    expect(h.of('interaction.abandoned')).toHaveLength(0);
    await h.waitFor('agent free', async () => (await stateOf('agent-1')) === 'available');
  });

  it('counts handle time in the interval the call was answered in when it ends in the next one', async () => {
    const INTERVAL = 15 * 60_000;
    const boundary = (Math.floor(Date.now() / INTERVAL) + 2) * INTERVAL;
    let clock = boundary - 10_000;
    h = await routingHarness({ now: () => clock });
    const q = randomUUID();
    await h.start(rows({ queues: [queueRow(q)], agents: [agentRow(1)], numbers: [numberRow(q)] }));
    await signIn([1]);
    const [call = ''] = await connectedCalls(1);
    clock = boundary + 20_000;
    await h.hangup(call);
    await h.waitFor('completed', () => h.of('interaction.completed').length === 1);
    const totals = (await h.runtime.deps.stats.drainDirty()).filter((r) => r.queueId === q);
    const answeredIn = totals.find((r) => r.intervalStart === boundary - INTERVAL);
    expect(answeredIn).toMatchObject({ offered: 1, answered: 1, handleMsSum: 30_000 });
    expect(totals.find((r) => r.intervalStart === boundary)?.handleMsSum ?? 0).toBe(0);
  });

  it('ends the calls its SBC no longer holds (a lost hang-up) and frees their agents, keeping the live ones', async () => {
    await oneQueueOf([1, 2]);
    const [lost = '', live = ''] = await connectedCalls(2);
    // The SBC lost the first call's hang-up (it never reached the bus) but still holds the other.
    h.replies['sbc.live-calls'] = () => ({ live: [live] });

    expect(await h.runtime.reconcile()).toBe(1);
    expect(h.sent('sbc.live-calls')).toHaveLength(1);
    expect(h.sent('sbc.live-calls')[0]?.['callIds']).toEqual(expect.arrayContaining([lost, live]));
    await h.waitFor('the lost call completed', () => h.of('interaction.completed').length === 1);
    expect(h.of('interaction.completed')[0]?.data.interactionId).toBe(lost);
    const agentOf = (id: string) =>
      h.of('interaction.assigned').find((e) => e.data.interactionId === id)?.data.agentId ?? '';
    await h.waitFor(
      "the lost call's agent free",
      async () => (await stateOf(agentOf(lost))) === 'available',
    );
    expect(await stateOf(agentOf(live))).toBe('busy');
  });

  it('ends the calls of an SBC whose process is gone at two checks in a row, and frees their agents', async () => {
    await oneQueueOf([1]);
    await connectedCalls(1);
    await h.sbcGone();

    // Missing once could be a reconnect: nothing ends yet.
    expect(await h.runtime.reconcile()).toBe(0);
    expect(h.of('interaction.completed')).toHaveLength(0);
    expect(await h.runtime.reconcileNow()).toBe(1);
    expect(h.sent('sbc.live-calls')).toHaveLength(0);
    await h.waitFor('completed', () => h.of('interaction.completed').length === 1);
    await h.waitFor('agent free', async () => (await stateOf('agent-1')) === 'available');
  });

  it('does not end calls of an SBC missing at one check only (a reconnect): strikes do not add up', async () => {
    await oneQueueOf([1]);
    await connectedCalls(1);
    await h.sbcGone();
    expect(await h.runtime.reconcileNow()).toBe(0);
    await h.sbcBack();
    expect(await h.runtime.reconcileNow()).toBe(0);
    expect(h.sent('sbc.live-calls')).toHaveLength(1);
    // Missing again later is a first miss again.
    await h.sbcGone();
    expect(await h.runtime.reconcileNow()).toBe(0);
    expect(h.of('interaction.completed')).toHaveLength(0);
    const status = await h.runtime.commands.agentStatus({
      tenantId: h.tenantId,
      agentId: 'agent-1',
    });
    expect(status.state).toBe('busy');
  });

  it('keeps an offer open when the SBC is slow to confirm ringing, and the answer still assigns it', async () => {
    await oneQueueOf([1, 2]);
    // The SBC rings the agent but its reply comes after routing stopped waiting (2 s).
    h.replies['sbc.connect'] = () =>
      new Promise((resolve) => setTimeout(() => resolve({ accepted: true }), 2_500));
    const call = await h.offerCall(QUEUE_NUMBER);
    await h.waitFor('connect sent', () => h.sent('sbc.connect').length === 1);
    await new Promise((r) => setTimeout(r, 2_600));
    // No second agent was rung and the caller was not given up.
    expect(h.sent('sbc.connect')).toHaveLength(1);
    expect(h.of('interaction.abandoned')).toHaveLength(0);
    await h.answer(call);
    await h.waitFor('assigned', () => h.of('interaction.assigned').length === 1);
    expect(h.of('interaction.assigned')[0]?.data.agentId).toBe('agent-1');
  });
});
