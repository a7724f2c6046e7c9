// Receiving side: replay window, reordering, ROC across a wrap, and that a packet which fails
// authentication changes nothing.
import { describe, expect, it } from 'vitest';
import { createSrtpSession, generateSdesKey, splitKeySalt, type SrtpSessionOptions } from './index';
import { buildRtp, flip, payloadFor } from './testing/packets';

const SSRC = 0x5eed0001;
const keySalt = generateSdesKey();
const options = (extra: Partial<SrtpSessionOptions> = {}): SrtpSessionOptions => ({
  suite: 'AES_CM_128_HMAC_SHA1_80',
  ...splitKeySalt(keySalt),
  ...extra,
});

/** A sender's protected packets for the given sequence numbers, sent in that order. */
function protect(seqs: number[], ssrc = SSRC): Map<number, Uint8Array> {
  const sender = createSrtpSession(options());
  const out = new Map<number, Uint8Array>();
  for (const seq of seqs) {
    const packet = sender.protectRtp(buildRtp({ seq, ssrc, payload: payloadFor(seq) }));
    if (typeof packet === 'string') throw new Error(`protect ${seq}: ${packet}`);
    out.set(seq, packet);
  }
  return out;
}
const range = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => (from + i) & 0xffff);
const verdict = (r: Uint8Array | string) => (typeof r === 'string' ? r : 'ok');

describe('SRTP replay protection and index estimation', () => {
  it('accepts reordered packets within the window once, refuses replays', () => {
    const packets = protect(range(100, 10));
    const rx = createSrtpSession(options());
    const order = [100, 103, 101, 102, 105, 104, 109, 106, 108, 107];
    expect(order.map((s) => verdict(rx.unprotectRtp(packets.get(s)!)))).toEqual(
      order.map(() => 'ok'),
    );
    expect(order.map((s) => verdict(rx.unprotectRtp(packets.get(s)!)))).toEqual(
      order.map(() => 'replay'),
    );
  });

  it('refuses a packet older than the window (default 128), accepts it with a larger window', () => {
    const packets = protect(range(1000, 300));
    for (const [window, expected] of [
      [undefined, 'too-old'],
      [512, 'ok'],
    ] as const) {
      const rx = createSrtpSession(options({ replayWindow: window }));
      rx.unprotectRtp(packets.get(1299)!);
      expect(verdict(rx.unprotectRtp(packets.get(1000)!))).toBe(expected);
    }
    // The edge: index highest − 127 is the oldest the default window still holds.
    const rx = createSrtpSession(options());
    rx.unprotectRtp(packets.get(1299)!);
    expect(verdict(rx.unprotectRtp(packets.get(1299 - 127)!))).toBe('ok');
    expect(verdict(rx.unprotectRtp(packets.get(1299 - 128)!))).toBe('too-old');
  });

  it('follows the ROC across 65535 -> 0 even when packets straddling the wrap are reordered', () => {
    const seqs = range(65530, 12); // 65530 … 65535, 0 … 5: the sender's ROC goes 0 -> 1
    const packets = protect(seqs);
    const rx = createSrtpSession(options());
    const order = [65530, 65531, 65533, 0, 65532, 65535, 2, 65534, 1, 3, 5, 4];
    expect(order.map((s) => verdict(rx.unprotectRtp(packets.get(s)!)))).toEqual(
      order.map(() => 'ok'),
    );
    expect(verdict(rx.unprotectRtp(packets.get(65535)!))).toBe('replay');
  });

  it('a packet that fails authentication moves neither the ROC nor the window', () => {
    const packets = protect(range(65500, 60)); // wraps at the 36th packet
    const rx = createSrtpSession(options());
    expect(verdict(rx.unprotectRtp(packets.get(65500)!))).toBe('ok');
    // Forgeries: ~30,000 ahead with ROC 1 (would put every real packet behind the window),
    // and around the wrap (would make the receiver guess the wrong ROC for what follows).
    for (const seq of [30000, 65530, 5, 40]) {
      const forged = Uint8Array.from(packets.get(65501)!);
      forged[2] = seq >>> 8;
      forged[3] = seq & 0xff;
      expect(rx.unprotectRtp(forged)).toBe('auth');
    }
    for (const seq of range(65501, 59))
      expect(verdict(rx.unprotectRtp(packets.get(seq)!))).toBe('ok');
  });

  it('a replay with a forged tag is still a replay, a new packet with a bad tag is auth', () => {
    const packets = protect(range(7, 2));
    const rx = createSrtpSession(options());
    rx.unprotectRtp(packets.get(7)!);
    const replayed = Uint8Array.from(packets.get(7)!);
    flip(replayed, replayed.length - 1, 1);
    expect(rx.unprotectRtp(replayed)).toBe('replay');
    const bad = Uint8Array.from(packets.get(8)!);
    flip(bad, bad.length - 1, 1);
    expect(rx.unprotectRtp(bad)).toBe('auth');
    expect(verdict(rx.unprotectRtp(packets.get(8)!))).toBe('ok');
  });

  it('keeps at most maxSsrcs sources, forgetting the least recently used', () => {
    const a = protect([10, 11], 0xa);
    const b = protect([10, 11], 0xb);
    const c = protect([10], 0xc);
    const rx = createSrtpSession(options({ maxSsrcs: 2 }));
    rx.unprotectRtp(a.get(10)!);
    rx.unprotectRtp(b.get(10)!);
    rx.unprotectRtp(a.get(11)!); // a is now more recent than b
    rx.unprotectRtp(c.get(10)!); // evicts b
    expect(rx.unprotectRtp(a.get(11)!)).toBe('replay'); // a's window survived
    expect(verdict(rx.unprotectRtp(b.get(10)!))).toBe('ok'); // b was forgotten
  });
});

describe('SRTP sending side', () => {
  it('refuses to protect the same index twice (keystream reuse)', () => {
    const tx = createSrtpSession(options());
    const plain = buildRtp({ seq: 42, ssrc: SSRC, payload: payloadFor(42) });
    expect(verdict(tx.protectRtp(plain))).toBe('ok');
    expect(tx.protectRtp(buildRtp({ seq: 42, ssrc: SSRC, payload: payloadFor(1) }))).toBe('replay');
  });

  it('protects and unprotects in place when given the buffer itself', () => {
    const plain = buildRtp({ seq: 9, ssrc: SSRC, payload: payloadFor(9) });
    const expected = createSrtpSession(options()).protectRtp(plain) as Uint8Array;
    const buffer = new Uint8Array(plain.length + 10);
    buffer.set(plain);
    const packet = buffer.subarray(0, plain.length);
    const srtp = createSrtpSession(options()).protectRtp(packet, buffer) as Uint8Array;
    expect(srtp.buffer).toBe(buffer.buffer);
    expect(Buffer.from(srtp)).toEqual(Buffer.from(expected));
    const back = createSrtpSession(options()).unprotectRtp(srtp, srtp) as Uint8Array;
    expect(Buffer.from(back)).toEqual(Buffer.from(plain));
    // An `out` too small for the result is not used: a new buffer comes back instead.
    const small = new Uint8Array(8);
    const fresh = createSrtpSession(options()).protectRtp(plain, small) as Uint8Array;
    expect(Buffer.from(fresh)).toEqual(Buffer.from(expected));
  });

  it('refuses a different key: authentication fails', () => {
    const srtp = protect([1]).get(1)!;
    const other = createSrtpSession({ ...options(), ...splitKeySalt(generateSdesKey()) });
    expect(other.unprotectRtp(srtp)).toBe('auth');
  });
});
