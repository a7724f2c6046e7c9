// Hostile datagrams at every port of a live call: random bytes, and valid RTP, SRTP and RTCP
// packets with random bit flips, truncations and extensions — from the latched source itself, so
// they reach the parsers. The worker must count and drop them, never crash, and keep relaying
// the call's real audio exactly.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RtpHeader, SrtpSession } from 'werift-rtp';
import type { MediaEngine } from '@ccx/media-relay';
import { buildCompound, buildReceiverReport, buildSdesCname } from '@ccx/rtp';
import { waitFor } from '../../support/bus';
import {
  PCMU,
  event,
  openEngine,
  setUpCall,
  type Call,
  ioKinds,
  setEngineIo,
  closeOpened,
} from '../../support/media-engine';

const KEY = Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 5 + 1) & 0xff));

/** A deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

function mutate(packet: Uint8Array, random: () => number): Uint8Array {
  const kind = Math.floor(random() * 4);
  const out = Uint8Array.from(packet);
  if (kind === 0) {
    const flips = 1 + Math.floor(random() * 4);
    for (let i = 0; i < flips; i++) {
      const at = Math.floor(random() * out.length);
      out[at] = (out[at] ?? 0) ^ (1 << Math.floor(random() * 8));
    }
    return out;
  }
  if (kind === 1) return out.subarray(0, Math.floor(random() * out.length));
  if (kind === 2) {
    const longer = new Uint8Array(out.length + Math.floor(random() * 64));
    longer.set(out);
    for (let i = out.length; i < longer.length; i++) longer[i] = Math.floor(random() * 256);
    return longer;
  }
  return Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256));
}

describe.each(ioKinds)('media relay (%s I/O): hostile datagrams', (io) => {
  beforeAll(() => setEngineIo(io));
  let engine: MediaEngine;
  let call: Call | undefined;
  afterEach(closeOpened);

  it('survives 6,000 mutated RTP/SRTP/RTCP datagrams on both legs and keeps relaying exactly', async () => {
    ({ engine } = openEngine());
    call = await setUpCall(
      engine,
      'fuzz',
      (a) => a.sdp([PCMU, event(101)], ['a=rtcp-mux']),
      (b) =>
        b.sdp(
          [PCMU, event(101)],
          ['a=rtcp-mux', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY.toString('base64')}`],
          'RTP/SAVP',
        ),
      { transcode: false, bProfile: 'RTP/SAVP' },
    );
    const c = call;
    const relayKey = Buffer.from(c.offerToB.audio.crypto[0]!.inlineKey, 'base64');
    const srtp = new SrtpSession({
      keys: {
        localMasterKey: KEY.subarray(0, 16),
        localMasterSalt: KEY.subarray(16),
        remoteMasterKey: relayKey.subarray(0, 16),
        remoteMasterSalt: relayKey.subarray(16),
      },
      profile: 1,
    });
    // Latch both legs with one good packet each.
    await c.a.sendRtp(c.relayA, 0, new Uint8Array(160).fill(1));
    const bPacket = (seq: number, fill: number) =>
      srtp.encrypt(
        Buffer.alloc(160, fill),
        new RtpHeader({ payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0x4242 }),
      );
    await c.b.send(bPacket(1, 2), c.relayB);
    await c.b.waitForRtp(1);
    await c.a.waitForRtp(1);

    const random = rng(20261122);
    const rtp = c.a.rtp()[0]!.bytes;
    const rtcp = buildCompound([
      buildReceiverReport(0x1234, [
        {
          ssrc: 1,
          fractionLost: 0,
          cumulativeLost: 0,
          extendedHighestSequence: 1,
          jitter: 0,
          lastSr: 0,
          delaySinceLastSr: 0,
        },
      ]),
      buildSdesCname(0x1234, 'x@y'),
    ]);
    const srtpSample = bPacket(2, 3);
    for (let i = 0; i < 1500; i++) {
      await c.a.send(mutate(rtp, random), c.relayA);
      await c.a.send(mutate(rtcp, random), c.relayA);
      await c.b.send(mutate(srtpSample, random), c.relayB);
      await c.b.send(mutate(rtcp, random), c.relayB);
      // Pace the flood so the socket buffers never overflow: every datagram must be accounted for.
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    // Let the worker drain what the kernel buffered (the flood outruns a socket buffer).
    // Datagrams the worker took in: relayed RTP, accepted RTCP, and inbound drops (failures to
    // protect what we send are counted on the sending leg as srtp-protect-*).
    const handled = () => {
      const q = engine.query('acme', 'fuzz');
      return [q.a, q.b].reduce(
        (n, l) =>
          n +
          l.packetsIn +
          l.rtcpIn +
          Object.entries(l.dropped)
            .filter(([reason]) => !reason.includes('-protect-'))
            .reduce((x, [, y]) => x + y, 0),
        0,
      );
    };
    // Waiting for the count, not for a quiet spell: a busy machine can stall the worker longer
    // than any quiet spell while the kernel still holds datagrams of the flood.
    await waitFor('the flood to be handled', () => handled() >= 2 + 6000);
    // ...and for what the relay sent on to have reached the legs, before listening afresh.
    let seen = -1;
    await waitFor('the legs to go quiet', async () => {
      const now = c.a.received.length + c.b.received.length;
      const quiet = now === seen;
      seen = now;
      await new Promise((r) => setTimeout(r, 200));
      return quiet;
    });
    // Every datagram was either relayed or dropped and counted: nothing vanished, nothing crashed.
    expect(handled()).toBe(2 + 6000);
    // The call still works, both ways, exactly.
    c.a.received.length = 0;
    const fromFlood = c.b.received.length;
    for (let i = 0; i < 5; i++) {
      await c.a.sendRtp(c.relayA, 0, new Uint8Array(160).fill(0x55));
      await c.b.send(bPacket(100 + i, 0x66), c.relayB);
    }
    await waitFor(
      'a receives 5 clean packets',
      () => c.a.rtp().filter((p) => p.payload.every((x) => x === 0x66)).length === 5,
    );
    await waitFor('b receives 5 packets', () => c.b.received.length >= fromFlood + 5);
    // What a says still reaches b. b follows the SRTP index over everything it received, as a
    // receiver does: sequence jumps of the flood that RFC 3550 counts as loss move our sequence
    // ahead, and from a random start that may cross a wrap (the rollover counter goes up). Every
    // RTP packet we sent must authenticate, and the last five carry what a said.
    const isRtcp = (b: Uint8Array) => (b[1] ?? 0) >= 192 && (b[1] ?? 0) <= 223;
    const payloads = c.b.received
      .filter((r) => !isRtcp(r.bytes))
      .map((r) => srtp.decrypt(r.bytes).subarray(12));
    expect(payloads.slice(-5).map((p) => p.every((x) => x === 0x55))).toEqual(Array(5).fill(true));
    const q = engine.query('acme', 'fuzz');
    const droppedA = Object.values(q.a.dropped).reduce((x, y) => x + y, 0);
    const droppedB = Object.values(q.b.dropped).reduce((x, y) => x + y, 0);
    // Most mutations are refused (a few bit flips in the payload are still valid RTP).
    expect(droppedA).toBeGreaterThan(1500);
    expect(droppedB).toBeGreaterThan(2500);
    expect(q.b.dropped['srtp-auth']).toBeGreaterThan(100);
    expect(engine.activeSessions).toBe(1);
  }, 60_000);
});
