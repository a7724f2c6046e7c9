// Cross-check with an independent implementation (werift-rtp, a devDependency used only here):
// what we protect, werift unprotects, and the other way round, for RTP and RTCP.
import { RtpHeader, SrtcpSession, SrtpSession } from 'werift-rtp';
import { describe, expect, it } from 'vitest';
import {
  createSrtpSession,
  generateSdesKey,
  splitKeySalt,
  type SrtpSession as Ours,
} from './index';
import { buildRtcpSrSdes, buildRtp, payloadFor } from './testing/packets';

const ours = (keySalt: Uint8Array, suite = 'AES_CM_128_HMAC_SHA1_80' as const): Ours =>
  createSrtpSession({ suite, ...splitKeySalt(keySalt) });

/** werift holds both directions: `local` for what it sends, `remote` for what it receives. */
function werift(local: Uint8Array, remote: Uint8Array) {
  const l = splitKeySalt(local);
  const r = splitKeySalt(remote);
  const keys = {
    localMasterKey: Buffer.from(l.masterKey),
    localMasterSalt: Buffer.from(l.masterSalt),
    remoteMasterKey: Buffer.from(r.masterKey),
    remoteMasterSalt: Buffer.from(r.masterSalt),
  };
  return {
    rtp: new SrtpSession({ keys, profile: 1 }),
    rtcp: new SrtcpSession({ keys, profile: 1 }),
  };
}

// Three sources, interleaved; one starts near 65535 so its ROC goes 0 -> 1 mid-stream; one
// carries CSRCs and a header extension (authenticated, not encrypted).
const sources = [
  { ssrc: 0x11223344, first: 65500 },
  { ssrc: 0xcafebabe, first: 1000, csrcs: [0x01020304, 0xa0b0c0d0] },
  {
    ssrc: 0x00000001,
    first: 30000,
    extension: [
      [1, [0x30]],
      [3, [1, 2, 3, 4]],
    ] as [number, number[]][],
  },
];
function* stream(count: number): Generator<Uint8Array> {
  for (let n = 0; n < count; n++)
    for (const s of sources) {
      const seq = (s.first + n) & 0xffff;
      yield buildRtp({ ...s, seq, payloadType: 8, payload: payloadFor(seq, 160 + (n % 5)) });
    }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('SRTP interop with werift-rtp', () => {
  const ourKey = generateSdesKey();
  const theirKey = generateSdesKey();

  it('werift unprotects what we protect (3 SSRCs, ROC wrap, CSRCs, header extension)', () => {
    const sender = ours(ourKey);
    const peer = werift(theirKey, ourKey);
    for (const plain of stream(120)) {
      const srtp = sender.protectRtp(plain) as Uint8Array;
      expect(srtp.length).toBe(plain.length + 10);
      expect(hex(peer.rtp.decrypt(Buffer.from(srtp)))).toBe(hex(plain));
    }
  });

  it('we unprotect what werift protects', () => {
    const receiver = ours(theirKey);
    const peer = werift(theirKey, ourKey);
    for (const plain of stream(120)) {
      const header = RtpHeader.deSerialize(Buffer.from(plain));
      const payload = Buffer.from(plain.subarray(header.payloadOffset));
      const srtp = peer.rtp.encrypt(payload, header);
      expect(hex(receiver.unprotectRtp(srtp) as Uint8Array)).toBe(hex(plain));
    }
  });

  it('SRTCP both ways (SR + SDES compound), several SSRCs', () => {
    const sender = ours(ourKey);
    const receiver = ours(theirKey);
    const peer = werift(theirKey, ourKey);
    for (let n = 0; n < 40; n++) {
      const plain = buildRtcpSrSdes(sources[n % 3]!.ssrc, n);
      const srtcp = sender.protectRtcp(plain) as Uint8Array;
      expect(srtcp.length).toBe(plain.length + 14);
      expect(hex(peer.rtcp.decrypt(Buffer.from(srtcp)))).toBe(hex(plain));
      const fromPeer = peer.rtcp.encrypt(Buffer.from(plain));
      expect(hex(receiver.unprotectRtcp(fromPeer) as Uint8Array)).toBe(hex(plain));
    }
  });

  it('_32 carries the first 4 bytes of the _80 tag (werift has no _32; it checks the _80)', () => {
    const s80 = ours(ourKey);
    const s32 = ours(ourKey, 'AES_CM_128_HMAC_SHA1_32' as never);
    const peer = werift(theirKey, ourKey);
    for (const plain of stream(30)) {
      const p80 = s80.protectRtp(plain) as Uint8Array;
      const p32 = s32.protectRtp(plain) as Uint8Array;
      expect(hex(p32)).toBe(hex(p80.subarray(0, plain.length + 4)));
      expect(hex(peer.rtp.decrypt(Buffer.from(p80)))).toBe(hex(plain));
    }
  });
});
