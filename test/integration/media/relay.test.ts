import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALAW_TO_ULAW, ULAW_TO_ALAW } from '@ccx/g711';
import type { MediaEngine } from '@ccx/media-relay';
import { buildTelephoneEvent } from '@ccx/rtp';
import { sleep } from '../../support/bus';
import {
  PCMA,
  PCMU,
  event,
  openEngine,
  setUpCall,
  ioKinds,
  setEngineIo,
  closeOpened,
} from '../../support/media-engine';

const pattern = (seed: number, n = 160) =>
  Uint8Array.from({ length: n }, (_, i) => (seed * 7 + i) & 0xff);

describe.each(ioKinds)('media relay (%s I/O): real UDP on loopback', (io) => {
  beforeAll(() => setEngineIo(io));
  let engine: MediaEngine;
  afterEach(closeOpened);

  const call = (...args: Parameters<typeof setUpCall> extends [unknown, ...infer R] ? R : never) =>
    setUpCall(engine, ...args);

  it('passes G.711 through unchanged when both legs use the same law, with our own SSRC and continuous numbering', async () => {
    ({ engine } = openEngine());
    const c = await call(
      'pass-1',
      (a) => a.sdp([PCMU, event(101)]),
      (b, offer) => {
        expect(offer.audio.codecs.map((x) => x.name)).toEqual(['PCMU', 'PCMA']);
        return b.sdp([PCMU, event(101)]);
      },
    );
    expect(c.transcoding).toBe(false);
    expect(c.answerToA.audio.codecs.map((x) => x.name)).toEqual(['PCMU']);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      const p = pattern(i);
      sent.push(p);
      await c.a.sendRtp(c.relayA, 0, p);
    }
    await c.b.waitForRtp(20);
    const got = c.b.rtp();
    expect(got.map((g) => Buffer.from(g.payload))).toEqual(sent.map((s) => Buffer.from(s)));
    const ssrcs = new Set(got.map((g) => g.header.ssrc));
    expect(ssrcs.size).toBe(1);
    expect([...ssrcs][0]).not.toBe(c.a.ssrc);
    for (let i = 1; i < got.length; i++) {
      expect((got[i]!.header.sequence - got[i - 1]!.header.sequence) & 0xffff).toBe(1);
      expect((got[i]!.header.timestamp - got[i - 1]!.header.timestamp) >>> 0).toBe(160);
    }
    expect(got.every((g) => g.header.payloadType === 0)).toBe(true);
    // ... and they come from the port b was offered.
    expect(c.b.received[0]!.from.port).toBe(c.relayB);
  });

  it('transcodes A-law to µ-law and back with the G.711 tables, on all 256 codes', async () => {
    ({ engine } = openEngine());
    const c = await call(
      'xcode-1',
      (a) => a.sdp([PCMA]),
      (b) => b.sdp([PCMU]),
      { transcode: true, bCodecs: ['PCMU'] },
    );
    expect(c.transcoding).toBe(true);
    expect(c.answerToA.audio.codecs.map((x) => x.name)).toEqual(['PCMA']);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    await c.a.sendRtp(c.relayA, 8, all.subarray(0, 160));
    await c.a.sendRtp(c.relayA, 8, all.subarray(160));
    await c.b.sendRtp(c.relayB, 0, all.subarray(0, 160));
    await c.b.sendRtp(c.relayB, 0, all.subarray(160));
    await c.b.waitForRtp(2);
    await c.a.waitForRtp(2);
    const toB = Buffer.concat(c.b.rtp().map((r) => r.payload));
    const toA = Buffer.concat(c.a.rtp().map((r) => r.payload));
    expect(toB).toEqual(Buffer.from(all.map((x) => ALAW_TO_ULAW[x]!)));
    expect(toA).toEqual(Buffer.from(all.map((x) => ULAW_TO_ALAW[x]!)));
    expect(c.b.rtp().every((r) => r.header.payloadType === 0)).toBe(true);
    expect(c.a.rtp().every((r) => r.header.payloadType === 8)).toBe(true);
  });

  it('keeps sequence gaps (loss) and maps them through; a new input SSRC continues our stream with the marker bit', async () => {
    ({ engine } = openEngine());
    const c = await call(
      'gaps',
      (a) => a.sdp([PCMU]),
      (b) => b.sdp([PCMU]),
    );
    for (let i = 0; i < 3; i++) await c.a.sendRtp(c.relayA, 0, pattern(i));
    c.a.seq += 3; // three packets lost on the way to us
    c.a.timestamp += 3 * 160;
    for (let i = 3; i < 5; i++) await c.a.sendRtp(c.relayA, 0, pattern(i));
    await c.b.waitForRtp(5);
    const got = c.b.rtp();
    expect((got[3]!.header.sequence - got[2]!.header.sequence) & 0xffff).toBe(4);
    expect((got[3]!.header.timestamp - got[2]!.header.timestamp) >>> 0).toBe(640);
    const q = await engine.query('acme', 'gaps');
    expect(q.a.packetsLost).toBe(3);
    expect(q.a.packetsIn).toBe(5);

    // The caller's side switches streams (a transfer behind a PBX): new SSRC, new numbering.
    c.a.ssrc = 0x55667788;
    c.a.seq = 7;
    c.a.timestamp = 999;
    await sleep(40);
    await c.a.sendRtp(c.relayA, 0, pattern(9));
    await c.b.waitForRtp(6);
    const [before, after] = c.b.rtp().slice(4);
    expect(after!.header.ssrc).toBe(before!.header.ssrc);
    expect((after!.header.sequence - before!.header.sequence) & 0xffff).toBe(1);
    expect(after!.header.marker).toBe(true);
    // The timestamp goes on by the time that passed (~40 ms = 320 samples), not by the new input.
    const advanced = (after!.header.timestamp - before!.header.timestamp) >>> 0;
    expect(advanced).toBeGreaterThanOrEqual(300);
    expect(advanced).toBeLessThan(8000);
  });

  it('remaps RFC 4733 telephone-events between payload types, keeps the three end packets, and reports the digit', async () => {
    const opened = openEngine();
    engine = opened.engine;
    const c = await call(
      'dtmf-1',
      (a) => a.sdp([PCMU, event(101)]),
      (b, offer) => {
        expect(offer.audio.telephoneEvent?.pt).toBe(101);
        return b.sdp([PCMU, event(96)]);
      },
    );
    await c.a.sendRtp(c.relayA, 0, pattern(0));
    const start = c.a.timestamp;
    const ev = (duration: number, end: boolean) =>
      buildTelephoneEvent({ event: 5, end, volume: 10, duration });
    await c.a.sendRtp(c.relayA, 101, ev(160, false), {
      timestamp: start,
      marker: true,
      advance: false,
    });
    await c.a.sendRtp(c.relayA, 101, ev(320, false), { timestamp: start, advance: false });
    for (let i = 0; i < 3; i++)
      await c.a.sendRtp(c.relayA, 101, ev(480, true), { timestamp: start, advance: false });
    await c.b.waitForRtp(6);
    const got = c.b.rtp();
    const events = got.filter((g) => g.header.payloadType === 96);
    expect(events).toHaveLength(5);
    expect(events.filter((e) => (e.payload[1]! & 0x80) !== 0)).toHaveLength(3);
    // Rebased with the stream: the event keeps its offset from the audio packet before it.
    expect((events[0]!.header.timestamp - got[0]!.header.timestamp) >>> 0).toBe(160);
    expect(new Set(events.map((e) => e.header.timestamp)).size).toBe(1);
    expect(opened.events.dtmf).toEqual([{ leg: 'a', digit: '5' }]);
    expect((await engine.query('acme', 'dtmf-1')).a.dtmfDigits).toBe('5');
  });

  it('latches to the first source, then drops and counts packets from any other address (no RTP hijack)', async () => {
    ({ engine } = openEngine());
    const c = await call(
      'latch',
      (a) => a.sdp([PCMU]),
      (b) => b.sdp([PCMU]),
    );
    await c.a.sendRtp(c.relayA, 0, pattern(1));
    await c.b.waitForRtp(1);
    const { RtpPeer } = await import('../../support/rtp-peer');
    const attacker = await RtpPeer.open();
    try {
      for (let i = 0; i < 5; i++) await attacker.sendRtp(c.relayA, 0, pattern(99));
      // The attacker also tries to steal what b says.
      await c.b.sendRtp(c.relayB, 0, pattern(2));
      await c.a.waitForRtp(1);
      await sleep(100);
      expect(c.b.rtp()).toHaveLength(1);
      expect(attacker.rtp()).toHaveLength(0);
      const q = await engine.query('acme', 'latch');
      expect(q.a.dropped['foreign-source']).toBe(5);
      expect(q.a.remote).toBe(`127.0.0.1:${c.a.port}`);
      expect(q.a.latched).toBe(true);
    } finally {
      attacker.close();
    }
  });

  it('drops hostile datagrams by reason and keeps relaying', async () => {
    ({ engine } = openEngine());
    const c = await call(
      'hostile',
      (a) => a.sdp([PCMU]),
      (b) => b.sdp([PCMU]),
    );
    await c.a.sendRtp(c.relayA, 0, pattern(1));
    await c.b.waitForRtp(1);
    const good = await c.a.sendRtp(c.relayA, 0, pattern(2));
    const variant = (f: (p: Uint8Array) => Uint8Array) => f(Uint8Array.from(good));
    const hostile: [string, Uint8Array][] = [
      ['short', Uint8Array.of(0x80, 0, 0, 1)],
      ['not-rtp', Uint8Array.of(0x00, 0x01, 0x00, 0x00)],
      ['not-rtp', variant((p) => ((p[0] = 0xc0), p))], // version 3
      ['bad-csrc-count', variant((p) => ((p[0] = 0x8f), p.subarray(0, 40)))],
      ['bad-padding', variant((p) => ((p[0] = 0xa0), (p[p.length - 1] = 250), p))],
      ['unknown-payload-type', variant((p) => ((p[1] = 18), p))],
      ['not-rtp', new Uint8Array(0)],
      ['not-rtp', Uint8Array.from({ length: 200 }, (_, i) => (i * 31) & 0x3f)],
    ];
    for (const [, bytes] of hostile) await c.a.send(bytes, c.relayA);
    await c.a.sendRtp(c.relayA, 0, pattern(3));
    await c.b.waitForRtp(3);
    await sleep(50);
    const got = c.b.rtp();
    expect(got).toHaveLength(3);
    expect(Buffer.from(got[2]!.payload)).toEqual(Buffer.from(pattern(3)));
    const dropped = (await engine.query('acme', 'hostile')).a.dropped;
    expect(dropped).toMatchObject({
      short: 1,
      'bad-csrc-count': 1,
      'bad-padding': 1,
      'unknown-payload-type': 1,
    });
    expect(Object.values(dropped).reduce((x, y) => x + y, 0)).toBe(hostile.length);
  });

  it('sends its own RTCP sender reports on each leg and measures the peer from its reports', async () => {
    ({ engine } = openEngine({ rtcpIntervalMs: 100 }));
    const c = await call(
      'rtcp',
      (a) => a.sdp([PCMU], ['a=rtcp-mux']),
      (b) => b.sdp([PCMU], ['a=rtcp-mux']),
    );
    for (let i = 0; i < 10; i++) await c.a.sendRtp(c.relayA, 0, pattern(i));
    await c.b.waitForRtp(10);
    const { parseRtcp } = await import('@ccx/rtp');
    const { waitFor } = await import('../../support/bus');
    await waitFor('an SR on leg b', () =>
      c.b.rtcp().some((r) => {
        const p = parseRtcp(r);
        return p.ok && p.packets[0]?.type === 'sr';
      }),
    );
    const ourSsrc = c.b.rtp()[0]!.header.ssrc;
    const sr = c.b
      .rtcp()
      .map((r) => parseRtcp(r))
      .flatMap((p) => (p.ok ? p.packets : []))
      .find((p) => p.type === 'sr');
    expect(sr).toMatchObject({ type: 'sr', ssrc: ourSsrc, packetCount: 10, octetCount: 1600 });
    // Leg a gets reports too (RR with a block about what a sends), never b's own.
    await waitFor('a report on leg a', () => c.a.rtcp().length > 0);
    const onA = parseRtcp(c.a.rtcp()[0]!);
    expect(onA.ok && onA.packets[0]).toMatchObject({ reports: [{ ssrc: c.a.ssrc }] });
  });

  it('reaps a session that sees no media and frees its ports', async () => {
    const opened = openEngine({ idleTimeoutMs: 300 });
    engine = opened.engine;
    await call(
      'idle',
      (a) => a.sdp([PCMU]),
      (b) => b.sdp([PCMU]),
    );
    expect(engine.activeSessions).toBe(1);
    const { waitFor } = await import('../../support/bus');
    await waitFor('reaping', () => opened.events.reaped.length === 1, 5_000);
    expect(opened.events.reaped[0]).toMatchObject({ callId: 'idle' });
    expect(engine.activeSessions).toBe(0);
    expect(() => engine.query('acme', 'idle')).toThrow(/no media session/);
  });

  it('refuses an offer without G.711 and one with an unsupported profile, clearly', async () => {
    ({ engine } = openEngine());
    const { RtpPeer } = await import('../../support/rtp-peer');
    const a = await RtpPeer.open();
    try {
      await expect(
        engine.offer('acme', 'x1', a.sdp([{ pt: 18, name: 'G729' }]), { transcode: true }),
      ).rejects.toThrow(/no G.711 codec/);
      await expect(engine.offer('acme', 'x2', 'garbage', { transcode: true })).rejects.toThrow(
        /offer:/,
      );
      await expect(
        engine.offer('acme', 'x3', a.sdp([PCMU], [], 'UDP/TLS/RTP/SAVPF'), { transcode: true }),
      ).rejects.toThrow(/unsupported transport profile/);
      expect(engine.activeSessions).toBe(0);
    } finally {
      a.close();
    }
  });

  it('keeps tenants apart: the same call id in two tenants is two sessions', async () => {
    ({ engine } = openEngine());
    const c1 = await call(
      'same',
      (a) => a.sdp([PCMU]),
      (b) => b.sdp([PCMU]),
      { transcode: true },
      'acme',
    );
    const c2 = await call(
      'same',
      (a) => a.sdp([PCMA]),
      (b) => b.sdp([PCMA]),
      { transcode: true },
      'globex',
    );
    expect(c1.relayA).not.toBe(c2.relayA);
    expect(engine.activeSessions).toBe(2);
    expect((await engine.delete('globex', 'same')).deleted).toBe(true);
    expect((await engine.query('acme', 'same')).state).toBe('answered');
  });
});
