// RTP <-> SRTP bridging: leg a is plain RTP (an ITSP), leg b is RTP/SAVP with SDES (a Teams
// Direct Routing leg). The SRTP party is played by werift-rtp, an implementation independent of
// ours, fed the keys from the SDP the relay wrote.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RtpHeader, SrtcpSession, SrtpSession } from 'werift-rtp';
import { ALAW_TO_ULAW, ULAW_TO_ALAW } from '@ccx/g711';
import type { MediaEngine } from '@ccx/media-relay';
import { classifyPacket, parseRtcp } from '@ccx/rtp';
import { waitFor } from '../../support/bus';
import {
  PCMA,
  PCMU,
  event,
  openEngine,
  setUpCall,
  type Call,
  ioKinds,
  setEngineIo,
  closeOpened,
} from '../../support/media-engine';

const KEY_B = Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 11 + 3) & 0xff));
const inline = (k: Buffer) => `inline:${k.toString('base64')}`;

/** werift as the SRTP party: it sends with KEY_B and receives with the relay's key. */
function weriftParty(relayKey: Buffer) {
  const keys = {
    localMasterKey: KEY_B.subarray(0, 16),
    localMasterSalt: KEY_B.subarray(16, 30),
    remoteMasterKey: relayKey.subarray(0, 16),
    remoteMasterSalt: relayKey.subarray(16, 30),
  };
  return {
    rtp: new SrtpSession({ keys, profile: 1 }),
    rtcp: new SrtcpSession({ keys, profile: 1 }),
  };
}

describe.each(ioKinds)(
  'media relay (%s I/O): RTP <-> SRTP (SDES AES_CM_128_HMAC_SHA1_80, rtcp-mux)',
  (io) => {
    beforeAll(() => setEngineIo(io));
    let engine: MediaEngine;
    let call: Call | undefined;
    afterEach(closeOpened);

    it('bridges a plain A-law leg to an SRTP µ-law leg both ways, bit-exact, with SRTCP reports', async () => {
      ({ engine } = openEngine({ rtcpIntervalMs: 100 }));
      call = await setUpCall(
        engine,
        'teams-1',
        (a) => a.sdp([PCMA, event(101)]),
        (b, offer) => {
          expect(offer.audio.protocol).toBe('RTP/SAVP');
          expect(offer.audio.rtcpMux).toBe(true);
          expect(offer.audio.crypto).toHaveLength(1);
          expect(offer.audio.crypto[0]).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });
          return b.sdp(
            [PCMU, event(101)],
            ['a=rtcp-mux', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${inline(KEY_B)}`],
            'RTP/SAVP',
          );
        },
        { transcode: true, bProfile: 'RTP/SAVP', bCodecs: ['PCMU'] },
      );
      const c = call;
      expect(c.transcoding).toBe(true);
      expect(c.answerToA.audio.protocol).toBe('RTP/AVP');
      expect(c.answerToA.audio.crypto).toHaveLength(0);
      const relayKey = Buffer.from(c.offerToB.audio.crypto[0]!.inlineKey, 'base64');
      const party = weriftParty(relayKey);

      // a -> b: plain A-law in, SRTP µ-law out.
      const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
      for (let i = 0; i < 8; i++)
        await c.a.sendRtp(c.relayA, 8, codes.subarray(i * 32, i * 32 + 32));
      await waitFor(
        '8 SRTP packets on b',
        () => c.b.received.filter((r) => classifyPacket(r.bytes) === 'rtp').length >= 8,
      );
      const clear = c.b.received
        .filter((r) => classifyPacket(r.bytes) === 'rtp')
        .map((r) => party.rtp.decrypt(r.bytes));
      const payloads = Buffer.concat(
        clear.map((p) => p.subarray(RtpHeader.deSerialize(p).payloadOffset)),
      );
      expect(payloads).toEqual(Buffer.from(codes.map((x) => ALAW_TO_ULAW[x]!)));
      // Nothing in clear went to the SRTP leg: every packet is 10 bytes (the tag) longer.
      expect(
        c.b.received
          .filter((r) => classifyPacket(r.bytes) === 'rtp')
          .every((r) => r.bytes.length === 12 + 32 + 10),
      ).toBe(true);

      // b -> a: werift protects µ-law, a receives plain A-law.
      for (let i = 0; i < 8; i++) {
        const header = new RtpHeader({
          payloadType: 0,
          sequenceNumber: 500 + i,
          timestamp: 8000 + 32 * i,
          ssrc: 0xabcdef01,
        });
        await c.b.send(
          party.rtp.encrypt(Buffer.from(codes.subarray(i * 32, i * 32 + 32)), header),
          c.relayB,
        );
      }
      await c.a.waitForRtp(8);
      expect(Buffer.concat(c.a.rtp().map((r) => r.payload))).toEqual(
        Buffer.from(codes.map((x) => ULAW_TO_ALAW[x]!)),
      );

      // The relay's reports on the SRTP leg are SRTCP on the RTP port (rtcp-mux), and decrypt.
      await waitFor('an SRTCP report on b', () =>
        c.b.received.some((r) => classifyPacket(r.bytes) === 'rtcp'),
      );
      const report = c.b.received.find((r) => classifyPacket(r.bytes) === 'rtcp')!;
      expect(report.from.port).toBe(c.relayB);
      const parsed = parseRtcp(party.rtcp.decrypt(report.bytes));
      expect(parsed.ok).toBe(true);
      const q = engine.query('acme', 'teams-1');
      expect(q.b).toMatchObject({ srtp: true, codec: 'PCMU', packetsIn: 8 });
      expect(q.a).toMatchObject({ srtp: false, codec: 'PCMA', packetsIn: 8 });
    });

    it('drops tampered, replayed and foreign-key SRTP packets and counts them', async () => {
      ({ engine } = openEngine());
      call = await setUpCall(
        engine,
        'teams-2',
        (a) => a.sdp([PCMU]),
        (b) =>
          b.sdp(
            [PCMU],
            ['a=rtcp-mux', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${inline(KEY_B)}`],
            'RTP/SAVP',
          ),
        { transcode: false, bProfile: 'RTP/SAVP' },
      );
      const c = call;
      const party = weriftParty(Buffer.from(c.offerToB.audio.crypto[0]!.inlineKey, 'base64'));
      const packet = (seq: number) =>
        party.rtp.encrypt(
          Buffer.alloc(160, seq & 0xff),
          new RtpHeader({
            payloadType: 0,
            sequenceNumber: seq,
            timestamp: seq * 160,
            ssrc: 0x1234,
          }),
        );
      const first = packet(1);
      await c.b.send(first, c.relayB);
      await c.a.waitForRtp(1);
      await c.b.send(first, c.relayB); // replay
      const tampered = Buffer.from(packet(2));
      tampered.writeUInt8(tampered.readUInt8(20) ^ 0x01, 20);
      await c.b.send(tampered, c.relayB);
      const wrongKey = new SrtpSession({
        keys: {
          localMasterKey: Buffer.alloc(16, 9),
          localMasterSalt: Buffer.alloc(14, 9),
          remoteMasterKey: Buffer.alloc(16, 1),
          remoteMasterSalt: Buffer.alloc(14, 1),
        },
        profile: 1,
      });
      await c.b.send(
        wrongKey.encrypt(
          Buffer.alloc(160, 3),
          new RtpHeader({ payloadType: 0, sequenceNumber: 3, timestamp: 480, ssrc: 0x1234 }),
        ),
        c.relayB,
      );
      await c.b.send(packet(4), c.relayB);
      await c.a.waitForRtp(2);
      const got = c.a.rtp();
      expect(got.map((g) => g.payload[0])).toEqual([1, 4]);
      const dropped = engine.query('acme', 'teams-2').b.dropped;
      expect(dropped['srtp-replay']).toBe(1);
      expect(
        Object.keys(dropped)
          .filter((k) => k.startsWith('srtp-'))
          .reduce((n, k) => n + dropped[k]!, 0),
      ).toBe(3);
    });

    it('answers an SRTP caller on the first crypto line it can honour (no MKI, no session parameters)', async () => {
      ({ engine } = openEngine());
      const key = inline(KEY_B);
      call = await setUpCall(
        engine,
        'teams-4',
        (a) =>
          a.sdp(
            [PCMU],
            [
              `a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${key}|2^31|1:1`,
              `a=crypto:2 AES_CM_128_HMAC_SHA1_80 ${key} UNENCRYPTED_SRTCP`,
              `a=crypto:3 AES_CM_128_HMAC_SHA1_32 ${key}`,
            ],
            'RTP/SAVP',
          ),
        (b) => b.sdp([PCMU]),
        { transcode: false, bProfile: 'RTP/AVP' },
      );
      expect(call.answerToA.audio.protocol).toBe('RTP/SAVP');
      expect(call.answerToA.audio.crypto).toHaveLength(1);
      expect(call.answerToA.audio.crypto[0]).toMatchObject({
        tag: 3,
        suite: 'AES_CM_128_HMAC_SHA1_32',
      });
      expect(call.answerToA.audio.crypto[0]!.inlineKey).not.toBe(KEY_B.toString('base64'));
    });

    it('refuses an SRTP offer without a supported crypto suite', async () => {
      ({ engine } = openEngine());
      const { RtpPeer } = await import('../../support/rtp-peer');
      const a = await RtpPeer.open();
      try {
        await expect(
          engine.offer(
            'acme',
            'teams-3',
            a.sdp([PCMU], [`a=crypto:1 AEAD_AES_256_GCM ${inline(Buffer.alloc(44))}`], 'RTP/SAVP'),
            { transcode: true },
          ),
        ).rejects.toThrow(/without a supported a=crypto suite/);
      } finally {
        a.close();
      }
    });
  },
);
