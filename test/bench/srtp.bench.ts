// `npm run bench -- srtp [--json] [--packets N] [--runs N]`
// SRTP packets/s on one core for AES_CM_128_HMAC_SHA1_80: 172-byte RTP packets (12-byte header,
// 160-byte payload: 20 ms of G.711) and an 80-byte RTCP compound. Best of --runs after a warm-up.
// Columns: @ccx/srtp returning a new buffer; @ccx/srtp writing into a reused `out` buffer;
// "per-packet node:crypto" (createCipheriv('aes-128-ctr') + createHmac per packet, the obvious
// way); werift-rtp (an independent TypeScript implementation, a devDependency).
// The relay's target is ~100k packets/s per core, all processing included.
import { createCipheriv, createHmac, hash, randomBytes } from 'node:crypto';
import { createSrtpSession, splitKeySalt, type SrtpSession } from '@ccx/srtp';
import { RtpHeader, SrtcpSession, SrtpSession as WeriftSrtp } from 'werift-rtp';
import { benchCli } from './bench-cli';

const { json, num, log } = benchCli();
const count = Math.floor(num('--packets', 100_000));
const runs = Math.floor(num('--runs', 5));
const suite = 'AES_CM_128_HMAC_SHA1_80';
const keySalt = new Uint8Array(randomBytes(30));
const { masterKey, masterSalt } = splitKeySalt(keySalt);
const session = (): SrtpSession => createSrtpSession({ suite, masterKey, masterSalt });

const rtp = new Uint8Array(172);
rtp.set([0x80, 0x08, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]);
rtp.set(randomBytes(160), 12);
const setSeq = (p: Uint8Array, seq: number) => {
  p[2] = (seq >>> 8) & 0xff;
  p[3] = seq & 0xff;
};
// RTCP: SR with one report block (52 bytes) + SDES CNAME (28 bytes).
const rtcp = new Uint8Array(80);
rtcp.set([0x81, 200, 0, 12, 0x12, 0x34, 0x56, 0x78]);
rtcp.set(randomBytes(44), 8);
rtcp.set([0x81, 202, 0, 6, 0x12, 0x34, 0x56, 0x78, 1, 18], 52);

/**
 * Packets per CPU-second (user + system time of this process, best of --runs after a warm-up
 * run): what one core sustains. CPU time rather than wall time because the development machine
 * is shared; a descheduled process would otherwise look slower than it is.
 */
function packetsPerSecond(fn: (i: number) => void): number {
  let best = Infinity;
  for (let r = 0; r < runs + 1; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < count; i++) fn(i);
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    if (r > 0) best = Math.min(best, seconds); // run 0 is the warm-up
  }
  return Math.round(count / best);
}

/** Runs `fn` with a fresh receiving session per run (replay protection refuses repeats). */
function unprotectRate(packets: Uint8Array[], op: (s: SrtpSession, p: Uint8Array) => unknown) {
  let rx = session();
  return packetsPerSecond((i) => {
    if (i === 0) rx = session();
    const r = op(rx, packets[i]!);
    if (typeof r === 'string') throw new Error(`unprotect ${i}: ${r}`);
  });
}

// --- baselines --------------------------------------------------------------------------
function werift() {
  const k = Buffer.from(masterKey);
  const s = Buffer.from(masterSalt);
  const keys = { localMasterKey: k, localMasterSalt: s, remoteMasterKey: k, remoteMasterSalt: s };
  return {
    rtp: new WeriftSrtp({ keys, profile: 1 }),
    rtcp: new SrtcpSession({ keys, profile: 1 }),
  };
}
function weriftProtect(): number {
  let w = werift();
  const header = RtpHeader.deSerialize(Buffer.from(rtp));
  const payload = Buffer.from(rtp.subarray(12));
  return packetsPerSecond((i) => {
    if (i === 0) w = werift();
    header.sequenceNumber = i & 0xffff;
    w.rtp.encrypt(payload, header);
  });
}
function weriftUnprotect(packets: Uint8Array[]): number {
  let w = werift();
  const buffers = packets.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length));
  return packetsPerSecond((i) => {
    if (i === 0) w = werift();
    w.rtp.decrypt(buffers[i]!);
  });
}

/** The obvious implementation: a new AES-CTR cipher and a new HMAC object per packet. */
const naive = (() => {
  const kdf = (label: number, length: number) => {
    const x = Buffer.alloc(32);
    Buffer.from(masterSalt).copy(x);
    x[7] = masterSalt[7]! ^ label;
    Buffer.from(masterSalt).copy(x, 16);
    x[16 + 7] = masterSalt[7]! ^ label;
    x[31] = 1;
    const ecb = createCipheriv('aes-128-ecb', masterKey, null).setAutoPadding(false);
    return ecb.update(x).subarray(0, length);
  };
  const key = kdf(0, 16);
  const authKey = kdf(1, 20);
  const salt = kdf(2, 14);
  const iv = Buffer.alloc(16);
  const roc = Buffer.alloc(4);
  const counter = (p: Uint8Array, rocValue: number) => {
    iv.fill(0);
    Buffer.from(salt).copy(iv);
    for (let i = 0; i < 4; i++) iv[4 + i] = iv[4 + i]! ^ p[8 + i]!;
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ rocValue) >>> 0, 8);
    iv[12] = iv[12]! ^ p[2]!;
    iv[13] = iv[13]! ^ p[3]!;
    return iv;
  };
  return {
    protect(i: number) {
      setSeq(rtp, i);
      const rocValue = Math.floor(i / 65536);
      const enc = createCipheriv('aes-128-ctr', key, counter(rtp, rocValue)).update(
        rtp.subarray(12),
      );
      roc.writeUInt32BE(rocValue);
      const tag = createHmac('sha1', authKey).update(rtp.subarray(0, 12)).update(enc).update(roc);
      return Buffer.concat([rtp.subarray(0, 12), enc, tag.digest().subarray(0, 10)]);
    },
    unprotect(p: Uint8Array, rocValue: number) {
      const end = p.length - 10;
      roc.writeUInt32BE(rocValue);
      const tag = createHmac('sha1', authKey).update(p.subarray(0, end)).update(roc).digest();
      if (!tag.subarray(0, 10).equals(p.subarray(end))) throw new Error('naive: auth');
      const dec = createCipheriv('aes-128-ctr', key, counter(p, rocValue)).update(
        p.subarray(12, end),
      );
      return Buffer.concat([p.subarray(0, 12), dec]);
    },
  };
})();

// The baselines are real SRTP: their first packet is byte for byte ours.
{
  setSeq(rtp, 0);
  const ours = session().protectRtp(rtp) as Uint8Array;
  if (!Buffer.from(ours).equals(naive.protect(0))) throw new Error('node:crypto baseline differs');
  const header = RtpHeader.deSerialize(Buffer.from(rtp));
  const theirs = werift().rtp.encrypt(Buffer.from(rtp.subarray(12)), header);
  if (!Buffer.from(ours).equals(theirs)) throw new Error('werift baseline differs');
}

type Row = { lib: number; libOut: number; naive: number; werift: number };
const results: Record<string, Row> = {};

// --- SRTP -------------------------------------------------------------------------------
{
  let tx = session();
  const out = new Uint8Array(2048);
  const protectWith = (useOut: boolean) =>
    packetsPerSecond((i) => {
      if (i === 0) tx = session();
      setSeq(rtp, i);
      const r = tx.protectRtp(rtp, useOut ? out : undefined);
      if (typeof r === 'string') throw new Error(`protect ${i}: ${r}`);
    });
  results['protect RTP'] = {
    lib: protectWith(false),
    libOut: protectWith(true),
    naive: packetsPerSecond((i) => naive.protect(i)),
    werift: weriftProtect(),
  };
  // Built only now, so the protect figures run on a small heap, as a relay's would.
  const sender = session();
  const protectedRtp = Array.from({ length: count }, (_, i) => {
    setSeq(rtp, i);
    return sender.protectRtp(rtp) as Uint8Array;
  });
  results['unprotect RTP'] = {
    lib: unprotectRate(protectedRtp, (s, p) => s.unprotectRtp(p)),
    libOut: unprotectRate(protectedRtp, (s, p) => s.unprotectRtp(p, out)),
    naive: packetsPerSecond((i) => naive.unprotect(protectedRtp[i]!, Math.floor(i / 65536))),
    werift: weriftUnprotect(protectedRtp),
  };
}

// --- SRTCP ------------------------------------------------------------------------------
{
  const out = new Uint8Array(2048);
  let tx = session();
  const protectWith = (useOut: boolean) =>
    packetsPerSecond((i) => {
      if (i === 0) tx = session();
      tx.protectRtcp(rtcp, useOut ? out : undefined);
    });
  const w = werift();
  results['protect RTCP'] = {
    lib: protectWith(false),
    libOut: protectWith(true),
    naive: NaN,
    werift: packetsPerSecond(() => w.rtcp.encrypt(Buffer.from(rtcp))),
  };
  const sender = session();
  const protectedRtcp = Array.from({ length: count }, () => sender.protectRtcp(rtcp) as Uint8Array);
  results['unprotect RTCP'] = {
    lib: unprotectRate(protectedRtcp, (s, p) => s.unprotectRtcp(p)),
    libOut: unprotectRate(protectedRtcp, (s, p) => s.unprotectRtcp(p, out)),
    naive: NaN,
    werift: packetsPerSecond((i) => w.rtcp.decrypt(Buffer.from(protectedRtcp[i]!))),
  };
}

// --- components: why the library avoids a Cipher and an Hmac object per packet -----------
const components: Record<string, number> = {};
{
  const key = randomBytes(16);
  const authKey = randomBytes(20);
  const iv = Buffer.alloc(16);
  const payload = rtp.subarray(12);
  const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const blocks = new Uint8Array(160);
  const ipad = Buffer.from(Buffer.alloc(64, 0x36).map((b, i) => b ^ (authKey[i] ?? 0)));
  const opad = Buffer.from(Buffer.alloc(64, 0x5c).map((b, i) => b ^ (authKey[i] ?? 0)));
  const inner = Buffer.concat([ipad, rtp, Buffer.alloc(4)]);
  const outer = Buffer.alloc(84);
  opad.copy(outer);
  components['AES-CM 160 B: createCipheriv(aes-128-ctr) per packet'] = packetsPerSecond((i) => {
    iv.writeUInt32BE(i, 8);
    createCipheriv('aes-128-ctr', key, iv).update(payload);
  });
  components['AES-CM 160 B: long-lived aes-128-ecb over 10 counter blocks'] = packetsPerSecond(
    (i) => {
      blocks[8] = i & 0xff;
      ecb.update(blocks);
    },
  );
  components['HMAC-SHA1 176 B: createHmac per packet'] = packetsPerSecond(() =>
    createHmac('sha1', authKey).update(rtp).update(iv.subarray(0, 4)).digest(),
  );
  components['HMAC-SHA1 176 B: two one-shot crypto.hash over ipad/opad'] = packetsPerSecond(() => {
    hash('sha1', inner, 'buffer').copy(outer, 64);
    hash('sha1', outer, 'buffer');
  });
}

if (json) {
  process.stdout.write(
    `${JSON.stringify({ srtp: { suite, packets: count, runs, rtpBytes: rtp.length, rtcpBytes: rtcp.length, unit: 'packets per CPU-second', results, components } })}\n`,
  );
} else {
  const k = (n: number) => (Number.isNaN(n) ? '-' : `${Math.round(n / 1000)}k`).padStart(12);
  log(
    `SRTP ${suite}, ${count.toLocaleString('en')} packets, one core, best of ${runs} (packets per CPU-second)`,
  );
  log('operation         @ccx/srtp  @ccx/srtp+out  per-packet node:crypto  werift-rtp');
  for (const [op, r] of Object.entries(results))
    log(
      `${op.padEnd(15)} ${k(r.lib)} ${k(r.libOut).padStart(14)} ${k(r.naive).padStart(23)} ${k(r.werift)}`,
    );
  log(`RTP: ${rtp.length}-byte packets (160-byte payload); RTCP: ${rtcp.length}-byte SR + SDES`);
  log('components (node:crypto alone, per packet)');
  for (const [name, rate] of Object.entries(components)) log(`${k(rate)}  ${name}`);
}
