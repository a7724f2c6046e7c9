// The SBC's commands for the routing service, with SIPp as caller and agents over real sockets and
// media on a real engine in the test process: a failed connect leaves the caller waiting for the
// next one (busy, timeout with CANCEL), a call answered by the SBC itself, prompts and DTMF on it,
// recording, and connecting it to an agent afterwards.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { buildTelephoneEvent } from '@ccx/rtp';
import type { SbcSettingsInput } from '@ccx/sbc-policy';
import { parseMediaSdp } from '@ccx/sdp';
import { RtpPeer } from '../support/rtp-peer';
import { startSbcStack, type SbcStack } from '../support/sbc-stack';
import { sippOk, startSipp, type SippHandle, type SippOptions } from '../support/sipp';

const SBC = { host: '127.0.0.1', port: 35900 };
const sbcAddr = `${SBC.host}:${SBC.port}`;
const ITSP = { host: '127.0.0.2', port: 35901 };
const AGENT1 = { host: '127.0.0.3', port: 35902 };
const AGENT2 = { host: '127.0.0.5', port: 35903 };
const QUEUE = '+4930123500';

let stack: SbcStack | undefined;
const peers: SippHandle[] = [];
const rtpPeers: RtpPeer[] = [];
afterEach(async () => {
  for (const p of rtpPeers.splice(0)) p.close();
  await Promise.all(
    peers.splice(0).map((p) => {
      p.kill();
      return p.done.catch(() => undefined);
    }),
  );
  await stack?.close();
  stack = undefined;
});

const settings: SbcSettingsInput = {
  failover: { noAnswerMs: 4000 },
  tenants: [
    {
      id: 'acme',
      trunks: [
        { id: 'itsp', name: 'itsp', kind: 'itsp', host: ITSP.host, port: ITSP.port, ping: false },
      ],
      numberRanges: [{ first: QUEUE, last: QUEUE, purpose: 'queue' }],
    },
  ],
};

async function sipp(
  options: Partial<SippOptions> & Pick<SippOptions, 'scenario' | 'local'>,
): Promise<SippHandle> {
  const handle = await startSipp({ transport: 'u1', calls: 1, timeoutMs: 30_000, ...options });
  peers.push(handle);
  return handle;
}

const start = async (holdForRoutingMs?: number) => {
  stack = await startSbcStack({
    listen: [{ protocol: 'udp', ...SBC }],
    settings,
    timers: { T1: 100 },
    ...(holdForRoutingMs !== undefined ? { holdForRoutingMs } : {}),
  });
  return stack;
};

const agentUri = (a: { host: string; port: number }) => ({
  kind: 'sip-uri' as const,
  uri: `sip:agent@${a.host}:${a.port}`,
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const eventsNamed = (s: SbcStack, name: string) => s.events.filter((e) => e.name === name);

/** A caller on the queue number, held until routing acts; returns the SBC's call id. */
async function heldCall(
  s: SbcStack,
  scenario: string,
  pauseMs?: number,
): Promise<{ callId: string; caller: SippHandle }> {
  const caller = await sipp({
    scenario,
    local: ITSP,
    remote: sbcAddr,
    service: QUEUE,
    ...(pauseMs !== undefined ? { pauseMs } : {}),
  });
  await until('call.offered', () => eventsNamed(s, 'call.offered').length > 0).catch(
    async (err: unknown) => {
      caller.kill();
      console.log((await caller.done).output.slice(-3000), s.b2bua.counters);
      throw err;
    },
  );
  return { callId: eventsNamed(s, 'call.offered')[0]?.callId ?? '', caller };
}

describe('SBC commands for routing (SIPp caller and agents)', () => {
  it('a busy agent leaves the caller waiting; the next connect reaches another agent', async () => {
    const s = await start();
    const busy = await sipp({ scenario: 'uas-486.xml', local: AGENT1 });
    const agent = await sipp({ scenario: 'uas-answer.xml', local: AGENT2 });
    const { callId, caller } = await heldCall(s, 'uac-wait-bye.xml');

    expect(s.b2bua.connect(callId, agentUri(AGENT1), { requestId: 'r1' })).toEqual({
      accepted: true,
    });
    await until('call.connect-failed', () => eventsNamed(s, 'call.connect-failed').length > 0);
    expect(eventsNamed(s, 'call.connect-failed')[0]).toMatchObject({
      callId,
      data: { requestId: 'r1', outcome: 'busy', sipStatus: 486 },
    });
    await sippOk(busy);
    expect(s.b2bua.activeCalls).toBe(1);
    expect(eventsNamed(s, 'call.ended')).toHaveLength(0);

    expect(s.b2bua.connect(callId, agentUri(AGENT2), { requestId: 'r2' })).toEqual({
      accepted: true,
    });
    await until('call.answered', () => eventsNamed(s, 'call.answered').length > 0);
    expect(s.b2bua.connect(callId, agentUri(AGENT1), { requestId: 'r3' })).toEqual({
      accepted: false,
      reason: 'call is already connected',
    });
    expect(s.b2bua.hangup(callId, 16)).toBe(true);
    await sippOk(caller);
    await sippOk(agent);
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.ended')[0]?.data).toMatchObject({
      reason: 'normal',
      cdr: { attempts: 2 },
    });
  });

  it('a connect whose timeout expires is cancelled and reported as timeout', async () => {
    const s = await start();
    const ringing = await sipp({ scenario: 'uas-ring.xml', local: AGENT1 });
    const { callId, caller } = await heldCall(s, 'uac-expect-480.xml');

    expect(
      s.b2bua.connect(callId, agentUri(AGENT1), { requestId: 'r1', timeoutSeconds: 1 }),
    ).toEqual({ accepted: true });
    expect(s.b2bua.connect(callId, agentUri(AGENT2), { requestId: 'r2' })).toEqual({
      accepted: false,
      reason: 'a connect attempt is in progress',
    });
    await until('call.connect-failed', () => eventsNamed(s, 'call.connect-failed').length > 0);
    expect(eventsNamed(s, 'call.connect-failed')[0]?.data).toEqual({
      requestId: 'r1',
      outcome: 'timeout',
    });
    // The agent saw the CANCEL (uas-ring.xml fails without it).
    await sippOk(ringing);
    expect(s.b2bua.activeCalls).toBe(1);
    expect(s.b2bua.hangup(callId, 16)).toBe(true);
    await sippOk(caller);
  });

  it('the no-command timer spares a call while a connect is tried, and ends it once routing goes quiet', async () => {
    // A 1 s timer and a 3 s connect: the call must outlive the timer while the agent rings.
    const s = await start(1000);
    const ringing = await sipp({ scenario: 'uas-ring.xml', local: AGENT1 });
    const { callId, caller } = await heldCall(s, 'uac-expect-480.xml');
    expect(
      s.b2bua.connect(callId, agentUri(AGENT1), { requestId: 'r1', timeoutSeconds: 3 }),
    ).toEqual({ accepted: true });
    await until('call.connect-failed', () => eventsNamed(s, 'call.connect-failed').length > 0);
    expect(eventsNamed(s, 'call.ended')).toHaveLength(0);
    await sippOk(ringing);
    // No command after the failure: the caller gets 480.
    await sippOk(caller);
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.ended')[0]?.data).toMatchObject({
      reason: 'no-answer',
      sipStatus: 480,
      cdr: { endedBy: 'system' },
    });
  });

  it('a caller who hangs up while the agent rings cancels the attempt', async () => {
    const s = await start();
    const ringing = await sipp({ scenario: 'uas-ring.xml', local: AGENT1 });
    const { callId, caller } = await heldCall(s, 'uac-cancel.xml', 1500);
    expect(s.b2bua.connect(callId, agentUri(AGENT1), { requestId: 'r1' })).toEqual({
      accepted: true,
    });
    await sippOk(caller);
    await sippOk(ringing);
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.ended')[0]?.data).toMatchObject({ reason: 'cancelled' });
    expect(eventsNamed(s, 'call.connect-failed')).toHaveLength(0);
  });

  it('answers a call itself, plays a prompt the caller hears, reports DTMF, records, then connects an agent', async () => {
    const s = await start();
    const agent = await sipp({ scenario: 'uas-answer.xml', local: AGENT1 });
    const { callId, caller } = await heldCall(s, 'uac-wait-bye.xml');
    writePrompt(s.promptDir, 'menu.wav', 10_000);

    expect(await s.b2bua.play(callId, 'menu.wav', true).catch((e: Error) => e.message)).toBe(
      'call is not answered',
    );
    expect(await s.b2bua.answer(callId)).toEqual({ answered: true });
    expect(await s.b2bua.answer(callId)).toEqual({
      answered: false,
      reason: 'call is already answered',
    });
    // Nobody answered yet: no call.answered.
    expect(eventsNamed(s, 'call.answered')).toHaveLength(0);

    // The caller's media, from a socket of the test (SIPp sends none): the relay latches to it.
    const port = relayPortForCaller(s, callId);
    const phone = await RtpPeer.open(ITSP.host);
    rtpPeers.push(phone);
    await phone.sendRtp(port, 8, new Uint8Array(160).fill(0xd5));
    expect(await s.b2bua.play(callId, 'menu.wav', true)).toEqual({
      playing: true,
      durationMs: 10_000,
    });
    await phone.waitForRtp(5);
    await phone.sendRtp(
      port,
      101,
      buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 160 }),
      {
        marker: true,
        advance: false,
      },
    );
    await until('media.prompt-ended', () => eventsNamed(s, 'media.prompt-ended').length > 0);
    expect(eventsNamed(s, 'media.dtmf-detected')).toMatchObject([
      { callId, data: { leg: 'a', digit: '5' } },
    ]);
    expect(eventsNamed(s, 'media.prompt-ended')).toMatchObject([
      { callId, data: { leg: 'a', prompt: 'menu.wav', reason: 'barge-in' } },
    ]);

    const started = await s.b2bua.record(callId, 'start');
    expect(started.recording).toBe(true);
    await phone.sendRtp(port, 8, new Uint8Array(160).fill(0xd5));
    const stopped = await s.b2bua.record(callId, 'stop');
    expect(stopped).toEqual({ recording: false, file: started.file });
    expect(existsSync(stopped.file ?? '')).toBe(true);
    expect(statSync(stopped.file ?? '').size).toBeGreaterThan(44);

    expect(s.b2bua.connect(callId, agentUri(AGENT1), { requestId: 'r1' })).toEqual({
      accepted: true,
    });
    await until('call.answered', () => eventsNamed(s, 'call.answered').length > 0);
    expect(eventsNamed(s, 'call.answered')[0]).toMatchObject({ callId, data: { codec: 'PCMA' } });
    // The caller's audio now reaches the agent through the same media session.
    await phone.sendRtp(port, 8, new Uint8Array(160).fill(0xd5));
    await until(
      'audio relayed to the agent',
      () => s.engine.query('acme', callId).b.packetsOut > 0,
    );
    expect(s.b2bua.hangup(callId, 16)).toBe(true);
    await sippOk(caller);
    await sippOk(agent);
  });

  it('originates a callback: the agent first, then the customer through the trunk, joined', async () => {
    const s = await start();
    const agent = await sipp({ scenario: 'uas-answer.xml', local: AGENT1 });
    const customer = await sipp({ scenario: 'uas-answer.xml', local: ITSP });
    expect(
      s.b2bua.originate('acme', {
        callId: 'cb-1',
        requestId: 'o1',
        first: agentUri(AGENT1),
        then: { kind: 'number', number: '+4989555001' },
        timeoutSeconds: 10,
      }),
    ).toEqual({ accepted: true });
    await until('call.answered', () => eventsNamed(s, 'call.answered').length > 0);
    expect(eventsNamed(s, 'call.answered')[0]).toMatchObject({ callId: 'cb-1' });
    expect(eventsNamed(s, 'call.offered')).toHaveLength(0);
    // One media session: the customer on leg a, the agent on leg b.
    const media = s.engine.query('acme', 'cb-1');
    expect(media.a.remote).toMatch(/^127\.0\.0\.2:/);
    expect(media.b.remote).toMatch(/^127\.0\.0\.3:/);
    expect(s.b2bua.hangup('cb-1', 16)).toBe(true);
    await sippOk(agent);
    await sippOk(customer);
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.ended')[0]).toMatchObject({
      callId: 'cb-1',
      data: {
        reason: 'normal',
        cdr: {
          direction: 'outbound',
          from: QUEUE,
          to: '+4989555001',
          egress: 'itsp',
          answeredAt: expect.any(String),
        },
      },
    });
  });

  it('an originated call whose agent is busy reports connect-failed and ends', async () => {
    const s = await start();
    const busy = await sipp({ scenario: 'uas-486.xml', local: AGENT1 });
    expect(
      s.b2bua.originate('acme', {
        callId: 'cb-2',
        requestId: 'o2',
        first: agentUri(AGENT1),
        then: { kind: 'number', number: '+4989555001' },
      }),
    ).toEqual({ accepted: true });
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.connect-failed')).toMatchObject([
      { callId: 'cb-2', data: { requestId: 'o2', outcome: 'busy', sipStatus: 486 } },
    ]);
    expect(eventsNamed(s, 'call.ended')[0]?.data).toMatchObject({ reason: 'busy', q850Cause: 17 });
    await sippOk(busy);
  });

  it('an originated call whose agent does not answer in time is cancelled and ends', async () => {
    const s = await start();
    const ringing = await sipp({ scenario: 'uas-ring.xml', local: AGENT1 });
    expect(
      s.b2bua.originate('acme', {
        callId: 'cb-4',
        requestId: 'o4',
        first: agentUri(AGENT1),
        then: { kind: 'number', number: '+4989555001' },
        timeoutSeconds: 1,
      }),
    ).toEqual({ accepted: true });
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.connect-failed')).toMatchObject([
      { callId: 'cb-4', data: { requestId: 'o4', outcome: 'timeout' } },
    ]);
    expect(eventsNamed(s, 'call.ended')[0]?.data).toMatchObject({ reason: 'no-answer' });
    await sippOk(ringing);
  });

  it('an originated call whose customer is busy releases the agent with cause 17', async () => {
    const s = await start();
    const agent = await sipp({ scenario: 'uas-answer.xml', local: AGENT1 });
    const customer = await sipp({ scenario: 'uas-486.xml', local: ITSP });
    expect(
      s.b2bua.originate('acme', {
        callId: 'cb-3',
        requestId: 'o3',
        first: agentUri(AGENT1),
        then: { kind: 'number', number: '+4989555001' },
      }),
    ).toEqual({ accepted: true });
    await until('call.ended', () => eventsNamed(s, 'call.ended').length > 0);
    expect(eventsNamed(s, 'call.ended')[0]?.data).toMatchObject({
      reason: 'busy',
      sipStatus: 486,
      q850Cause: 17,
      cdr: { direction: 'outbound', endedBy: 'callee' },
    });
    expect(eventsNamed(s, 'call.connect-failed')).toHaveLength(0);
    expect(eventsNamed(s, 'call.answered')).toHaveLength(0);
    await sippOk(agent);
    await sippOk(customer);
  });
});

/** A 16-bit PCM 8 kHz mono WAV of `ms` milliseconds. */
function writePrompt(dir: string, name: string, ms: number): void {
  const pcm = Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => ((i * 37) % 20000) - 10000);
  const wav = new WaveFile();
  wav.fromScratch(1, 8000, '16', pcm);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), wav.toBuffer());
}

/** The relay's port for leg a, from the SDP the SBC answered the caller with. */
function relayPortForCaller(s: SbcStack, callId: string): number {
  const sdp = parseMediaSdp(s.b2bua.call(callId)?.aLocalSdp ?? '');
  if (!sdp.ok) throw new Error(`no answer SDP: ${sdp.error}`);
  return sdp.sdp.audio.port;
}
