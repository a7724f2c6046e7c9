// The built SBC process taking routing's commands over the bus, in both media modes: media on a
// media-worker process (`SBC_MEDIA=bus`) and in the SBC itself (`embedded`). A SIPp caller on a
// queue number is answered by `sbc.answer`, hears a prompt from `sbc.play`, and presses 1 (RFC
// 4733 from SIPp's pcap): `media.dtmf-detected` and `media.prompt-ended` (barge-in) reach the bus
// with the SBC's call id. Then `sbc.record` and `sbc.connect` to an agent; and `sbc.originate`.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEvent } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import { busPool, waitFor } from '../support/bus';
import { buildDist, startChild, stopChild, type Child } from '../support/child';
import { redisUrl } from '../support/redis';
import { sippOk, startSipp } from '../support/sipp';

const QUEUE = '+4930123500';

const yaml = (itsp: { host: string; port: number }) => `
failover: { noAnswerMs: 8000 }
tenants:
  - id: acme
    trunks:
      - { id: itsp, name: itsp, kind: itsp, host: ${itsp.host}, port: ${itsp.port}, ping: false }
    numberRanges:
      - { first: '${QUEUE}', last: '${QUEUE}', purpose: queue }
`;

const modes = [
  { media: 'bus', sip: 35910, http: 35911, rtp: 36600, itsp: 35913, agent: 35914 },
  { media: 'embedded', sip: 35920, http: 35921, rtp: 36800, itsp: 35923, agent: 35924 },
] as const;

describe.each(modes)('the sbc process with SBC_MEDIA=$media', (mode) => {
  const pool = busPool(`sbcroute-${mode.media}`);
  const ITSP = { host: '127.0.0.2', port: mode.itsp };
  const AGENT = { host: '127.0.0.3', port: mode.agent };
  const sbcId = `sbc-${mode.media}`;
  let bus: EventBus;
  let sbc: Child | undefined;
  let media: Child | undefined;
  const events: AnyEvent[] = [];

  beforeAll(async () => {
    buildDist();
    bus = pool.open();
    await bus.subscribe(
      `e2e-routing-${mode.media}`,
      ['call.offered', 'call.answered', 'call.ended', 'media.dtmf-detected', 'media.prompt-ended'],
      async (e) => {
        events.push(e);
      },
    );
    const dir = mkdtempSync(join(tmpdir(), 'ccx-sbc-routing-'));
    const prompts = join(dir, 'prompts');
    writePrompt(prompts, 'menu.wav', 10_000);
    const file = join(dir, 'sbc.yaml');
    writeFileSync(file, yaml(ITSP));
    const common = { REDIS_URL: redisUrl(), BUS_PREFIX: pool.prefix, LOG_LEVEL: 'info' };
    if (mode.media === 'bus') {
      media = startChild('apps/media-worker/src/main.js', {
        ...common,
        MEDIA_HTTP_PORT: String(mode.http + 1),
        MEDIA_PORT_MIN: String(mode.rtp),
        MEDIA_PORT_MAX: String(mode.rtp + 199),
        MEDIA_STATUS_INTERVAL_MS: '500',
        MEDIA_PROMPT_DIR: prompts,
        MEDIA_RECORDING_DIR: join(dir, 'recordings'),
        INSTANCE_ID: `mw-${mode.media}`,
      });
    }
    sbc = startChild(
      'apps/sbc/src/main.js',
      {
        ...common,
        SBC_HTTP_PORT: String(mode.http),
        SBC_SIP_LISTEN: `udp:127.0.0.1:${mode.sip}`,
        SBC_MEDIA: mode.media,
        SBC_RTP_PORT_MIN: String(mode.rtp),
        SBC_RTP_PORT_MAX: String(mode.rtp + 199),
        SBC_PROMPT_DIR: prompts,
        SBC_RECORDING_DIR: join(dir, 'recordings'),
        INSTANCE_ID: sbcId,
      },
      ['--config', file],
    );
    await sbc.waitForLine(/SIP listening/);
    if (mode.media === 'bus') {
      await waitFor(
        'the SBC to see the media worker',
        async () => {
          const res = await fetch(`http://127.0.0.1:${mode.http}/media/workers`).catch(
            () => undefined,
          );
          return res ? ((await res.json()) as { workers: unknown[] }).workers.length > 0 : false;
        },
        15_000,
      );
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sbc && stopChild(sbc), media && stopChild(media)]);
    await pool.closeAll();
  });

  it('answers, plays a prompt, hears the digit with the call id, records, then connects an agent', async () => {
    const agent = await startSipp({
      scenario: 'uas-answer.xml',
      local: AGENT,
      transport: 'u1',
      timeoutMs: 20_000,
    });
    const caller = await startSipp({
      scenario: 'uac-dtmf.xml',
      local: ITSP,
      remote: `127.0.0.1:${mode.sip}`,
      transport: 'u1',
      service: QUEUE,
      timeoutMs: 20_000,
    });
    await waitFor('the queue call on the bus', () => events.some((e) => e.name === 'call.offered'));
    const callId = events.find((e) => e.name === 'call.offered')?.callId ?? '';
    const to = { target: sbcId, timeoutMs: 5_000 };
    const base = { tenantId: 'acme', callId };

    expect(await bus.command('sbc.answer', { ...base, requestId: 'a1' }, to)).toEqual({
      answered: true,
    });
    expect(
      await bus.command('sbc.play', { ...base, requestId: 'p1', prompt: 'menu.wav' }, to),
    ).toEqual({ playing: true, durationMs: 10_000 });
    await waitFor('the digit and the barge-in on the bus', () =>
      events.some((e) => e.name === 'media.prompt-ended'),
    );
    expect(events.filter((e) => e.name === 'media.dtmf-detected')).toMatchObject([
      { tenantId: 'acme', callId, data: { leg: 'a', digit: '1' } },
    ]);
    expect(events.filter((e) => e.name === 'media.prompt-ended')).toMatchObject([
      { tenantId: 'acme', callId, data: { leg: 'a', prompt: 'menu.wav', reason: 'barge-in' } },
    ]);

    const recording = await bus.command(
      'sbc.record',
      { ...base, requestId: 'r1', action: 'start' },
      to,
    );
    expect(recording).toMatchObject({ recording: true, file: expect.stringMatching(/\.wav$/) });
    expect(
      await bus.command('sbc.record', { ...base, requestId: 'r2', action: 'stop' }, to),
    ).toEqual({ recording: false, file: recording.file });

    expect(
      await bus.command(
        'sbc.connect',
        {
          ...base,
          requestId: 'c1',
          target: { kind: 'sip-uri', uri: `sip:agent@${AGENT.host}:${AGENT.port}` },
          timeoutSeconds: 10,
        },
        to,
      ),
    ).toEqual({ accepted: true });
    await waitFor('the agent to answer', () =>
      events.some((e) => e.name === 'call.answered' && e.callId === callId),
    );
    // Routing's reconciliation: the SBC says which calls it still holds, and that it serves it.
    const ask = { tenantId: 'acme', requestId: 'l1', callIds: [callId, 'no-such-call'] };
    expect(await bus.command('sbc.live-calls', ask, to)).toEqual({ live: [callId] });
    expect(await bus.commandServed('sbc.live-calls', sbcId)).toBe(true);
    expect(await bus.commandServed('sbc.live-calls', 'sbc-that-never-ran')).toBe(false);
    expect(
      await bus.command('sbc.hangup', { ...base, requestId: 'h1', q850Cause: 16 }, to),
    ).toEqual({ ended: true });
    await waitFor('the call to end', () =>
      events.some((e) => e.name === 'call.ended' && e.callId === callId),
    );
    expect(await bus.command('sbc.live-calls', { ...ask, requestId: 'l2' }, to)).toEqual({
      live: [],
    });
    await sippOk(caller);
    await sippOk(agent);
  }, 40_000);

  it('originates a callback over the bus: agent first, then the customer through the trunk', async () => {
    const agent = await startSipp({
      scenario: 'uas-answer.xml',
      local: AGENT,
      transport: 'u1',
      timeoutMs: 20_000,
    });
    const customer = await startSipp({
      scenario: 'uas-answer.xml',
      local: ITSP,
      transport: 'u1',
      timeoutMs: 20_000,
    });
    const callId = `cb-${mode.media}`;
    const to = { target: sbcId, timeoutMs: 5_000 };
    expect(
      await bus.command(
        'sbc.originate',
        {
          tenantId: 'acme',
          requestId: 'o1',
          callId,
          first: { kind: 'sip-uri', uri: `sip:agent@${AGENT.host}:${AGENT.port}` },
          then: { kind: 'number', number: '+4989555001' },
          timeoutSeconds: 10,
        },
        to,
      ),
    ).toEqual({ accepted: true });
    await waitFor('the customer to answer', () =>
      events.some((e) => e.name === 'call.answered' && e.callId === callId),
    );
    expect(
      await bus.command(
        'sbc.hangup',
        { tenantId: 'acme', requestId: 'h2', callId, q850Cause: 16 },
        to,
      ),
    ).toEqual({ ended: true });
    await sippOk(agent);
    await sippOk(customer);
  }, 40_000);
});

/** A 16-bit PCM 8 kHz mono WAV of `ms` milliseconds. */
function writePrompt(dir: string, name: string, ms: number): void {
  const pcm = Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => ((i * 37) % 20000) - 10000);
  const wav = new WaveFile();
  wav.fromScratch(1, 8000, '16', pcm);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), wav.toBuffer());
}
