// Routing end to end with the real processes and real SIP peers (issue 5): the tenant's queue,
// agents, flow and numbers are created over REST; the built routing service routes the calls the
// built SBC holds, ringing agents (Teams users, played by SIPp behind Kamailio over TLS) through
// the Teams proxy; a SIPp caller on the PSTN side. The test plays the presence service (issue 6)
// by publishing `presence.changed` on the bus. Media embedded in the SBC, then on a media-worker
// process. Wiring and ports: test/support/routing-stack.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEvent } from '@ccx/contracts';
import { waitFor } from '../support/bus';
import { kamailioTlsInstalled } from '../support/kamailio';
import {
  ROUTING_STACK as S,
  startRoutingStack,
  waitForRouting,
  type RoutingStack,
} from '../support/routing-stack';
import {
  sippInstalled,
  startSipp,
  type SippHandle,
  type SippOptions,
  type SippResult,
} from '../support/sipp';

const QUEUE_NUMBER = '+4930555100';
const FLOW_NUMBER = '+4930555101';
// The busy agent's number is the one teams-uas-busy-or-answer.xml refuses with 486.
const AGENT_A = { number: '+4930555201', teamsUserId: randomUUID() };
const AGENT_B = { number: '+4930555299', teamsUserId: randomUUID() };

const ok = (r: SippResult) => ({ code: r.exitCode, ok: r.successful, failed: r.failed });
/** The Request-URI users of the INVITEs in a SIPp message trace, in order. */
const invitedNumbers = (output: string): string[] =>
  [...output.matchAll(/^INVITE sip:(\+\d+)@sip\.pstnhub\.microsoft\.com/gm)].map((m) => m[1] ?? '');

describe.skipIf(!sippInstalled() || !kamailioTlsInstalled()).each(['embedded', 'bus'] as const)(
  'routing with the API, the routing service and the SBC as processes (SBC_MEDIA=%s)',
  (media) => {
    let stack: RoutingStack | undefined;
    const ids = { queue: '', a: '', b: '', flow: '' };
    const events: AnyEvent[] = [];
    const sipps: SippHandle[] = [];

    const rest = async (method: 'get' | 'post' | 'put', path: string, body?: object) => {
      if (!stack) throw new Error('no stack');
      const req = stack.api.http()[method](path).set('authorization', `Bearer ${stack.key}`);
      const res = await (body ? req.send(body) : req);
      return { status: res.status, body: res.body as Record<string, unknown>, text: res.text };
    };
    const setState = async (agentId: string, state: string) => {
      const res = await rest('put', `/v1/agents/${agentId}/state`, { state });
      expect(res.status, res.text).toBe(200);
    };
    const agentState = async (agentId: string) =>
      (await rest('get', `/v1/agents/${agentId}/status`)).body.state;
    /** What the presence service will publish when Graph reports a change. */
    const publishPresence = (userId: string, availability: 'Available' | 'Busy') =>
      stack?.bus.publish('presence.changed', {
        tenantId: S.tenantId,
        data: {
          userId,
          availability,
          activity: availability === 'Busy' ? 'InACall' : availability,
        },
      });
    const available = (userId: string) => publishPresence(userId, 'Available');
    const sipp = async (o: Omit<SippOptions, 'timeoutMs'>) => {
      const h = await startSipp({ transport: 'u1', timeoutMs: 30_000, traceMessages: true, ...o });
      sipps.push(h);
      return h;
    };
    const call = (number: string, scenario: string, pauseMs = 100) =>
      sipp({
        scenario,
        local: S.itsp,
        remote: `${S.sbc.host}:${S.sbc.udp}`,
        service: number,
        pauseMs,
      });
    const agents = (scenario: string, calls = 1) => sipp({ scenario, local: S.agentUas, calls });
    const logs = () => `${stack?.logs() ?? ''}\n--- events\n${JSON.stringify(events)}`;

    beforeAll(async () => {
      stack = await startRoutingStack({
        prompts: ['menu.wav'],
        media,
        queueNumbers: { first: QUEUE_NUMBER, last: FLOW_NUMBER },
        configure: async (api, key) => {
          const post = async (path: string, body: object) => {
            const res = await api
              .http()
              .post(path)
              .set('authorization', `Bearer ${key}`)
              .send(body);
            if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
            return (res.body as { id: string }).id;
          };
          await post('/v1/trunks', {
            name: 'itsp',
            kind: 'itsp',
            host: S.itsp.host,
            port: S.itsp.port,
            transport: 'udp',
            maxChannels: 10,
          });
          const skillId = await post('/v1/skills', { name: 'support' });
          ids.queue = await post('/v1/queues', {
            name: 'support',
            method: 'longest-idle',
            presenceAware: true,
            requiredSkills: [{ skillId, minLevel: 2 }],
            maxWaitSeconds: 120,
            offerTimeoutSeconds: 15,
            wrapUpSeconds: 0,
          });
          const agent = (n: string, who: typeof AGENT_A) => ({
            displayName: `Agent ${n}`,
            upn: `agent-${n}@example.com`,
            teamsUserId: who.teamsUserId,
            phoneNumber: who.number,
            skills: [{ skillId, level: 3 }],
            maxMissedOffers: 0,
          });
          ids.a = await post('/v1/agents', agent('a', AGENT_A));
          ids.b = await post('/v1/agents', agent('b', AGENT_B));
          ids.flow = await post('/v1/flows', {
            name: 'menu',
            definition: {
              start: 'menu',
              nodes: {
                menu: { kind: 'menu', prompt: 'menu.wav', options: { '1': 'support' } },
                support: { kind: 'queue', queueId: ids.queue },
              },
            },
          });
          const range = (n: string, target: object) =>
            post('/v1/number-ranges', {
              firstNumber: n,
              lastNumber: n,
              purpose: 'queue',
              ...target,
            });
          await range(QUEUE_NUMBER, { queueId: ids.queue });
          await range(FLOW_NUMBER, { flowId: ids.flow });
        },
      });
      await stack.bus.subscribe(
        'e2e-watch',
        [
          'call.offered',
          'call.answered',
          'call.connect-failed',
          'media.dtmf-detected',
          'media.prompt-ended',
        ],
        async (e) => {
          events.push(e);
        },
      );
      await waitForRouting({ queues: 1, agents: 2, flows: 1 });
    }, 180_000);

    afterEach(async () => {
      // SIPp left running by a failed test would hold its port for the next one.
      await Promise.all(
        sipps.splice(0).map((h) => {
          h.kill();
          return h.done;
        }),
      );
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('connects a queue caller to the signed-in, Available agent; busy during the call, free after', async () => {
      await setState(ids.a, 'available');
      await available(AGENT_A.teamsUserId);
      const agent = await agents('teams-uas-answer.xml');
      const caller = await call(QUEUE_NUMBER, 'uac-call.xml', 6_000);
      await waitFor(
        'the agent to be busy',
        async () => (await agentState(ids.a)) === 'busy',
        20_000,
      );
      const [c, u] = await Promise.all([caller.done, agent.done]);
      expect(ok(c), c.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(ok(u), u.output).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(invitedNumbers(u.output)).toEqual([AGENT_A.number]);

      await waitFor('the agent to be available again', async () => {
        return (await agentState(ids.a)) === 'available';
      });
      const stats = await rest('get', `/v1/queues/${ids.queue}/stats`);
      expect(stats.status, stats.text).toBe(200);
      expect(stats.body).toMatchObject({
        queueId: ids.queue,
        waiting: 0,
        answered: 1,
        abandoned: 0,
      });
    }, 60_000);

    it('re-offers to the next agent when the first is busy (486); the caller stays up', async () => {
      // B becomes the longest idle: A goes not-ready, B signs in, then A again.
      await setState(ids.a, 'not-ready');
      await setState(ids.b, 'available');
      await available(AGENT_B.teamsUserId);
      await setState(ids.a, 'available');
      const both = await agents('teams-uas-busy-or-answer.xml', 2);
      const caller = await call(QUEUE_NUMBER, 'uac-call.xml', 3_000);
      const [c, u] = await Promise.all([caller.done, both.done]);
      expect(ok(c), c.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(ok(u), u.output + logs()).toEqual({ code: 0, ok: 2, failed: 0 });
      expect(invitedNumbers(u.output)).toEqual([AGENT_B.number, AGENT_A.number]);
      expect(events.filter((e) => e.name === 'call.connect-failed')).toMatchObject([
        { data: { outcome: 'busy', sipStatus: 486 } },
      ]);
      await setState(ids.b, 'logged-out');
    }, 60_000);

    it('runs the menu flow: the caller presses 1 and is queued to the agent', async () => {
      const agent = await agents('teams-uas-answer.xml');
      const caller = await call(FLOW_NUMBER, 'uac-dtmf.xml');
      await waitFor(
        'the flow call to reach the agent',
        () => {
          const offered = events.find(
            (e) => e.name === 'call.offered' && e.data.to.number === FLOW_NUMBER,
          );
          return events.some((e) => e.name === 'call.answered' && e.callId === offered?.callId);
        },
        30_000,
      );
      const callId = events.find(
        (e) => e.name === 'call.offered' && e.data.to.number === FLOW_NUMBER,
      )?.callId;
      // The caller heard the menu and cut it short with the digit.
      expect(events.filter((e) => e.name === 'media.dtmf-detected')).toMatchObject([
        { callId, data: { digit: '1' } },
      ]);
      expect(events.filter((e) => e.name === 'media.prompt-ended')).toMatchObject([
        { callId, data: { prompt: 'menu.wav', reason: 'barge-in' } },
      ]);
      expect(await agentState(ids.a)).toBe('busy');
      const ended = await stack?.bus.command(
        'sbc.hangup',
        { tenantId: S.tenantId, requestId: 'e2e-hangup', callId: callId ?? '', q850Cause: 16 },
        { target: S.sbcId, timeoutMs: 5_000 },
      );
      expect(ended).toEqual({ ended: true });
      const [c, u] = await Promise.all([caller.done, agent.done]);
      expect(ok(c), c.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(ok(u), u.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(invitedNumbers(u.output)).toEqual([AGENT_A.number]);
    }, 60_000);

    it('holds the caller while the agent is Busy in Teams and rings them once Available', async () => {
      await publishPresence(AGENT_A.teamsUserId, 'Busy');
      const agent = await agents('teams-uas-answer.xml');
      const caller = await call(QUEUE_NUMBER, 'uac-call.xml', 2_000);
      await waitFor('the caller to wait in the queue', async () => {
        return (await rest('get', `/v1/queues/${ids.queue}/stats`)).body.waiting === 1;
      });
      const waiting = await rest('get', `/v1/agents/${ids.a}/status`);
      expect(waiting.body).toMatchObject({ state: 'available', presence: 'Busy', offers: [] });
      await publishPresence(AGENT_A.teamsUserId, 'Available');
      const [c, u] = await Promise.all([caller.done, agent.done]);
      expect(ok(c), c.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(ok(u), u.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      expect(invitedNumbers(u.output)).toEqual([AGENT_A.number]);
    }, 60_000);

    it('counts a caller who gives up while nobody is free as abandoned', async () => {
      await setState(ids.a, 'not-ready');
      const caller = await call(QUEUE_NUMBER, 'uac-cancel.xml', 1_500);
      const c = await caller.done;
      expect(ok(c), c.output + logs()).toEqual({ code: 0, ok: 1, failed: 0 });
      await waitFor('the abandon in the live statistics', async () => {
        const stats = (await rest('get', `/v1/queues/${ids.queue}/stats`)).body;
        return stats.abandoned === 1 && stats.waiting === 0;
      });
    }, 60_000);

    it("writes the queue's 15-minute interval to Postgres and serves it from the API", async () => {
      type Row = { answered: number; abandoned: number; offered: number; ahtMs: number | null };
      let rows: Row[] = [];
      const sum = (k: 'answered' | 'abandoned' | 'offered') => rows.reduce((n, r) => n + r[k], 0);
      await waitFor('four answered calls and one abandoned in the queue history', async () => {
        const res = await rest('get', `/v1/queues/${ids.queue}/intervals`);
        rows = (res.body.intervals as Row[] | undefined) ?? [];
        return sum('answered') === 4 && sum('abandoned') === 1;
      });
      expect(sum('offered')).toBeGreaterThanOrEqual(5);
      expect(rows.every((r) => r.answered === 0 || (r.ahtMs ?? 0) > 0)).toBe(true);
    }, 30_000);
  },
);
