// The SBC between ITSP and PBX trunks over UDP, with SIPp as every peer (real sockets, media
// anchored on a real engine): routing, failover, no retry after 603/486, admission control,
// codec policy, hold, CANCEL, unknown sources and OPTIONS health.
import { afterEach, describe, expect, it } from 'vitest';
import type { SbcSettingsInput } from '@ccx/sbc-policy';
import { startSbcStack, type SbcStack } from '../support/sbc-stack';
import { sippOk, startSipp, type SippHandle, type SippOptions } from '../support/sipp';

const SBC = { host: '127.0.0.1', port: 35500 };
const sbcAddr = `${SBC.host}:${SBC.port}`;
// Peers, each on its own loopback address so the ACL can tell them apart.
const ITSP = { host: '127.0.0.2', port: 35501 };
const PBX = { host: '127.0.0.3', port: 35502 };
const ITSP2 = { host: '127.0.0.4', port: 35503 };
const STRANGER = { host: '127.0.0.9', port: 35509 };

let stack: SbcStack | undefined;
const peers: SippHandle[] = [];
afterEach(async () => {
  // Wait for every SIPp to exit so the next test can bind the same addresses.
  await Promise.all(
    peers.splice(0).map((p) => {
      p.kill();
      return p.done.catch(() => undefined);
    }),
  );
  await stack?.close();
  stack = undefined;
});

function settings(over: { itspMax?: number; tenantMax?: number } = {}): SbcSettingsInput {
  return {
    failover: { noAnswerMs: 1500 },
    tenants: [
      {
        id: 'acme',
        ...(over.tenantMax ? { maxCalls: over.tenantMax } : {}),
        trunks: [
          {
            id: 'itsp-a',
            name: 'itsp-a',
            kind: 'itsp',
            host: ITSP.host,
            port: ITSP.port,
            priority: 1,
            maxChannels: over.itspMax ?? 100,
          },
          {
            id: 'itsp-b',
            name: 'itsp-b',
            kind: 'itsp',
            host: ITSP2.host,
            port: ITSP2.port,
            priority: 2,
          },
          { id: 'pbx', name: 'pbx', kind: 'pbx', host: PBX.host, port: PBX.port },
        ],
        numberRanges: [
          { first: '+4930123400', last: '+4930123499', trunkId: 'pbx' },
          { first: '+4930123500', last: '+4930123500', purpose: 'queue' },
        ],
      },
    ],
  };
}

async function sipp(
  options: Partial<SippOptions> & Pick<SippOptions, 'scenario' | 'local'>,
): Promise<SippHandle> {
  const handle = await startSipp({ transport: 'u1', calls: 1, timeoutMs: 30_000, ...options });
  peers.push(handle);
  return handle;
}

const start = async (s: SbcSettingsInput = settings()) => {
  stack = await startSbcStack({
    listen: [{ protocol: 'udp', ...SBC }],
    settings: s,
    timers: { T1: 100 },
  });
  return stack;
};

const names = (s: SbcStack) => s.events.map((e) => e.name);
const ended = (s: SbcStack) =>
  s.events.find((e) => e.name === 'call.ended')?.data as
    | { reason: string; sipStatus?: number; q850Cause: number; cdr: Record<string, unknown> }
    | undefined;

/** Waits until the stack has no call left (BYE/ACK handling finishes after SIPp exits). */
async function settled(s: SbcStack): Promise<void> {
  for (
    let i = 0;
    i < 100 && (s.b2bua.activeCalls > 0 || !s.events.some((e) => e.name === 'call.ended'));
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitCalls(s: SbcStack, answered: number): Promise<void> {
  for (
    let i = 0;
    i < 100 && s.events.filter((e) => e.name === 'call.answered').length < answered;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(s.events.filter((e) => e.name === 'call.answered')).toHaveLength(answered);
}

describe('SBC between UDP trunks (SIPp peers)', () => {
  it('an ITSP call to a PBX number reaches the PBX, with events and a CDR', async () => {
    const s = await start();
    const pbx = await sipp({ scenario: 'uas-answer.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
      caller: '+4940111222',
    });
    await sippOk(itsp);
    await sippOk(pbx);
    await settled(s);
    expect(names(s)).toEqual(['call.offered', 'call.ringing', 'call.answered', 'call.ended']);
    expect(ended(s)).toMatchObject({
      reason: 'normal',
      q850Cause: 16,
      cdr: {
        direction: 'inbound',
        from: '+4940111222',
        to: '+4930123401',
        ingress: 'itsp-a',
        egress: 'pbx',
        attempts: 1,
      },
    });
    expect(s.b2bua.activeCalls).toBe(0);
    expect(s.b2bua.activeDialogs).toBe(0);
  });

  it('carries a call from an ITSP over TCP to a PBX over UDP', async () => {
    const tcpSettings = settings();
    const trunk = tcpSettings.tenants?.[0]?.trunks?.[0];
    if (trunk) trunk.transport = 'tcp';
    stack = await startSbcStack({
      listen: [
        { protocol: 'udp', ...SBC },
        { protocol: 'tcp', ...SBC },
      ],
      settings: tcpSettings,
      timers: { T1: 100 },
    });
    const pbx = await sipp({ scenario: 'uas-answer.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: sbcAddr,
      transport: 't1',
      service: '+4930123401',
      caller: '+4940111222',
    });
    await sippOk(itsp);
    await sippOk(pbx);
    await settled(stack);
    expect(ended(stack)).toMatchObject({
      reason: 'normal',
      cdr: { ingress: 'itsp-a', egress: 'pbx' },
    });
  });

  it('a PBX call out fails over from a trunk answering 503 to the next one', async () => {
    const s = await start();
    const first = await sipp({ scenario: 'uas-503.xml', local: ITSP });
    const second = await sipp({ scenario: 'uas-answer.xml', local: ITSP2 });
    const pbx = await sipp({
      scenario: 'uac-call.xml',
      local: PBX,
      remote: sbcAddr,
      service: '+4989555000',
      caller: '+4930123402',
    });
    await sippOk(pbx);
    await sippOk(first);
    await sippOk(second);
    await settled(s);
    expect(ended(s)?.cdr).toMatchObject({ direction: 'outbound', egress: 'itsp-b', attempts: 2 });
  });

  it('fails over when the first trunk does not answer at all', async () => {
    const s = await start();
    const silent = await sipp({ scenario: 'uas-408-silent.xml', local: ITSP });
    const second = await sipp({ scenario: 'uas-answer.xml', local: ITSP2 });
    const pbx = await sipp({
      scenario: 'uac-call.xml',
      local: PBX,
      remote: sbcAddr,
      service: '+4989555000',
      caller: '+4930123402',
    });
    await sippOk(pbx);
    await sippOk(second);
    silent.kill();
    await settled(s);
    expect(ended(s)?.cdr).toMatchObject({ egress: 'itsp-b', attempts: 2 });
  });

  it.each([
    ['603', 'uas-603.xml', 'uac-expect-603.xml', 'rejected'],
    ['486', 'uas-486.xml', 'uac-expect-486.xml', 'busy'],
  ])(
    'does not retry after %s: the caller gets it and the next trunk gets nothing',
    async (status, uas, uac, reason) => {
      const s = await start();
      const first = await sipp({ scenario: uas, local: ITSP });
      const pbx = await sipp({
        scenario: uac,
        local: PBX,
        remote: sbcAddr,
        service: '+4989555000',
        caller: '+4930123402',
      });
      await sippOk(pbx);
      await sippOk(first);
      await settled(s);
      expect(ended(s)).toMatchObject({ reason, sipStatus: Number(status), cdr: { attempts: 1 } });
    },
  );

  it('refuses a call over the trunk limit with 503 and publishes the refusal', async () => {
    const s = await start(settings({ itspMax: 1 }));
    const pbx = await sipp({ scenario: 'uas-answer.xml', local: PBX, calls: 1 });
    const long = await sipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
      pauseMs: 3000,
    });
    for (let i = 0; i < 100 && s.b2bua.activeDialogs < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    const second = await sipp({
      scenario: 'uac-expect-503.xml',
      local: { host: ITSP.host, port: ITSP.port + 50 },
      remote: sbcAddr,
      service: '+4930123402',
    });
    await sippOk(second);
    await sippOk(long);
    await sippOk(pbx);
    const refusal = s.events.find((e) => e.name === 'call.admission-rejected');
    expect(refusal?.data).toMatchObject({
      scope: 'trunk',
      id: 'itsp-a',
      limit: 'calls',
      inUse: 1,
      max: 1,
      sipStatus: 503,
    });
  });

  it('answers 488 to an offer without G.711', async () => {
    const s = await start();
    const itsp = await sipp({
      scenario: 'uac-expect-488.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(itsp);
    expect(s.b2bua.counters.rejected[488]).toBe(1);
    expect(s.b2bua.activeCalls).toBe(0);
  });

  it('relays hold (a=inactive) and resume through the media worker', async () => {
    const s = await start();
    const pbx = await sipp({ scenario: 'uas-hold.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-hold.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
      pauseMs: 200,
    });
    await sippOk(itsp);
    pbx.kill();
    await settled(s);
    expect(names(s)).toEqual(expect.arrayContaining(['call.held', 'call.resumed']));
    expect(s.events.find((e) => e.name === 'call.held')?.data).toEqual({ by: 'caller' });
  });

  it('passes hold by the callee (a=inactive) on to the caller, and the resume', async () => {
    const s = await start();
    const pbx = await sipp({ scenario: 'uas-hold-by-callee.xml', local: PBX, pauseMs: 300 });
    const itsp = await sipp({
      scenario: 'uac-held.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(pbx);
    await sippOk(itsp);
    await settled(s);
    expect(
      s.events.filter((e) => e.name === 'call.held' || e.name === 'call.resumed'),
    ).toMatchObject([
      { name: 'call.held', data: { by: 'callee' } },
      { name: 'call.resumed', data: { by: 'callee' } },
    ]);
    expect(ended(s)).toMatchObject({ cdr: { endedBy: 'callee' } });
  });

  it('attended transfer by command joins the customer to the consulted party and releases the agent', async () => {
    const s = await start();
    // X: the customer (ITSP) talks to an agent behind the PBX.
    const agentX = await sipp({ scenario: 'uas-answer.xml', local: PBX });
    const customer = await sipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
      pauseMs: 3000,
    });
    await waitCalls(s, 1);
    const x = s.events.find((e) => e.name === 'call.answered')?.callId ?? '';
    // Y: the agent consults an expert through the second ITSP trunk.
    const expert = await sipp({ scenario: 'uas-hold.xml', local: ITSP2 });
    const agentY = await sipp({
      scenario: 'uac-wait-bye.xml',
      local: { host: PBX.host, port: PBX.port + 50 },
      remote: sbcAddr,
      service: '+4989555000',
      caller: '+4930123402',
    });
    await waitCalls(s, 2);
    const y =
      s.events.filter((e) => e.name === 'call.answered').find((e) => e.callId !== x)?.callId ?? '';
    expect(await s.b2bua.transferAttended(x, y)).toEqual({ accepted: true });
    await sippOk(agentY);
    await sippOk(agentX);
    // The customer hangs up on the expert, through the call that now joins them.
    await sippOk(customer);
    await sippOk(expert);
    await settled(s);
    expect(s.events.find((e) => e.name === 'call.transferred')).toMatchObject({
      callId: x,
      data: { kind: 'attended' },
    });
    const ends = s.events.filter((e) => e.name === 'call.ended');
    expect(ends.find((e) => e.callId === y)?.data).toMatchObject({ reason: 'transferred' });
    for (let i = 0; i < 50 && s.b2bua.activeCalls > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(ends.find((e) => e.callId === x)?.data).toMatchObject({
      reason: 'normal',
      cdr: { endedBy: 'caller' },
    });
  });

  it('a REFER from the caller transfers the callee to a new number', async () => {
    const s = await start();
    // The PBX user calls out, then transfers the far end to another number (via the second ITSP).
    const far = await sipp({ scenario: 'uas-answer-bye.xml', local: ITSP, pauseMs: 2500 });
    const target = await sipp({ scenario: 'uas-answer.xml', local: ITSP2 });
    const pbx = await sipp({
      scenario: 'uac-refer.xml',
      local: PBX,
      remote: sbcAddr,
      service: '+4989555000',
      caller: '+4930123402',
      pauseMs: 300,
      keys: { refer_to: `sip:+4989555001@${SBC.host}` },
      extraArgs: ['-aa'],
    });
    await sippOk(pbx);
    // The far end hangs up after a while; the SBC ends the transfer target's leg.
    await sippOk(far);
    await sippOk(target);
    await settled(s);
    expect(s.events.find((e) => e.name === 'call.transferred')?.data).toMatchObject({
      kind: 'blind',
      target: { number: '+4989555001' },
    });
    expect(ended(s)).toMatchObject({ reason: 'normal', cdr: { endedBy: 'callee' } });
  });

  it('holds a call to a queue number until routing connects it, and ends it on a hangup command', async () => {
    const s = await start();
    const agent = await sipp({ scenario: 'uas-answer.xml', local: PBX });
    const customer = await sipp({
      scenario: 'uac-wait-bye.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123500',
    });
    for (let i = 0; i < 100 && !s.events.some((e) => e.name === 'call.offered'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const offered = s.events.find((e) => e.name === 'call.offered');
    expect(offered?.data).toMatchObject({ to: { number: '+4930123500' }, sbcId: 'sbc-test' });
    const callId = offered?.callId ?? '';
    expect(
      s.b2bua.connect(callId, { kind: 'sip-uri', uri: `sip:agent@${PBX.host}:${PBX.port}` }),
    ).toEqual({ accepted: true });
    await waitCalls(s, 1);
    expect(s.b2bua.hangup(callId, 16)).toBe(true);
    await sippOk(customer);
    await sippOk(agent);
    await settled(s);
    expect(ended(s)).toMatchObject({ reason: 'normal', q850Cause: 16, cdr: { endedBy: 'system' } });
  });

  it('acknowledges a reliable 183 (100rel) from the callee with PRACK and relays the early media', async () => {
    const s = await start();
    const pbx = await sipp({ scenario: 'uas-100rel.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(pbx);
    await sippOk(itsp);
    await settled(s);
    expect(s.events.find((e) => e.name === 'call.ringing')?.data).toEqual({ earlyMedia: true });
    expect(ended(s)).toMatchObject({ reason: 'normal' });
  });

  it('passes an UPDATE with an offer through the media worker to the callee and its answer back', async () => {
    const s = await start();
    const pbx = await sipp({ scenario: 'uas-update.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-update.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(itsp);
    await sippOk(pbx);
    await settled(s);
    expect(s.events.find((e) => e.name === 'call.held')?.data).toEqual({ by: 'caller' });
  });

  it('a CANCEL while the callee rings ends both sides with 487', async () => {
    const s = await start();
    const pbx = await sipp({ scenario: 'uas-ring.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-cancel.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(itsp);
    await sippOk(pbx);
    await settled(s);
    expect(ended(s)).toMatchObject({ reason: 'cancelled', sipStatus: 487 });
  });

  it('a callee ringing too long is cancelled and the caller gets 480', async () => {
    stack = await startSbcStack({
      listen: [{ protocol: 'udp', ...SBC }],
      settings: settings(),
      timers: { T1: 100 },
      ringTimeoutMs: 1000,
    });
    const pbx = await sipp({ scenario: 'uas-ring.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-expect-480.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(itsp);
    await sippOk(pbx);
    await settled(stack);
    expect(ended(stack)).toMatchObject({ reason: 'no-answer', sipStatus: 480 });
  });

  it('a flood from one address is rate-limited and does not starve another peer', async () => {
    const limited = settings();
    const s = await start({ ...limited, rateLimit: { perSourcePerSecond: 20, burst: 20 } });
    // 400 INVITEs/s for 2 s from the second ITSP, to a number nobody owns.
    const flood = await sipp({
      scenario: 'uac-expect-404.xml',
      local: ITSP2,
      remote: sbcAddr,
      service: '+4930999999',
      calls: 800,
      rate: 400,
      timeoutMs: 15_000,
    });
    const pbx = await sipp({ scenario: 'uas-answer.xml', local: PBX });
    const itsp = await sipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(itsp);
    await sippOk(pbx);
    // The flood cannot complete: most of its INVITEs are dropped, not answered.
    flood.kill();
    const flooded = await flood.done;
    expect(flooded.successful).toBeLessThan(800);
    expect(s.b2bua.counters.dropped.rateLimited).toBeGreaterThan(0);
  }, 40_000);

  it('refuses a source that is no configured peer with 403', async () => {
    const s = await start();
    const stranger = await sipp({
      scenario: 'uac-expect-403.xml',
      local: STRANGER,
      remote: sbcAddr,
      service: '+4930123401',
    });
    await sippOk(stranger);
    expect(s.events).toEqual([]);
  });

  it('OPTIONS health: a silent trunk goes down and comes back up when it answers again', async () => {
    const s = await start();
    s.monitor.setPeers([
      { key: 'pbx', tenantId: 'acme', host: PBX.host, port: PBX.port, protocol: 'udp' },
    ]);
    let responder = await sipp({ scenario: 'uas-options.xml', local: PBX, calls: 1000 });
    await s.monitor.pingAll();
    expect(s.monitor.state('pbx')).toBe('up');
    responder.kill();
    await new Promise((r) => setTimeout(r, 300));
    await s.monitor.pingAll();
    await s.monitor.pingAll();
    expect(s.monitor.state('pbx')).toBe('down');
    responder = await sipp({ scenario: 'uas-options.xml', local: PBX, calls: 1000 });
    await s.monitor.pingAll();
    expect(s.monitor.state('pbx')).toBe('up');
    expect(s.trunkStates.map((t) => t.state)).toEqual(['degraded', 'down', 'up']);
  });
});
