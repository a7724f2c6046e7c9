// The media relay with an RTP source we did not write: SIPp calls in (test/fixtures/sipp/
// uac-rtp.xml) and streams a raw A-law file with its own RTP streamer (`exec rtp_stream`). The
// test plays the SBC: a minimal UAS hands SIPp's SDP to the engine (offer), answers leg b with an
// RtpPeer's SDP (answer) and returns the engine's leg-a SDP to SIPp in the 200 OK. Leg b must get
// exactly the file's bytes (or their A→µ conversion) with no loss, from the relay's own SSRC.
//
// What SIPp 3.6.1 sends (checked on loopback): 160-byte payloads every 20 ms from its -mp port,
// PT 8, no marker, sequence from 0, timestamp +160 per packet, SSRC 0xca110000. A last frame
// shorter than 160 bytes is not padded but filled from the start of the file, so the fixture is
// whole frames.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALAW_TO_ULAW } from '@ccx/g711';
import type { MediaEngine, OfferOptions } from '@ccx/media-relay';
import { parseRtcp } from '@ccx/rtp';
import { parseMediaSdp } from '@ccx/sdp';
import { waitFor } from '../support/bus';
import { PCMA, PCMU, closeOpened, openEngine } from '../support/media-engine';
import { RtpPeer } from '../support/rtp-peer';
import { SipUas, header } from '../support/sip-uas';

const scenario = resolve(__dirname, '..', 'fixtures', 'sipp', 'uac-rtp.xml');
/** The scenario streams this file from SIPp's working directory. */
const AUDIO_FILE = 'audio.alaw';
const FRAME = 160;
const FRAMES = 100; // 2 s at 20 ms

const sippInstalled = spawnSync('sipp', ['-v']).error === undefined;
if (!sippInstalled) console.warn('media-sipp: skipped, `sipp` is not installed (apt sip-tester)');

/** 2 s of A-law: every code once in order, then seeded pseudo-random codes (no two frames alike). */
function audio(): Buffer {
  const bytes = Buffer.alloc(FRAMES * FRAME);
  let x = 0x2545f491;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = i < 256 ? i : x & 0xff;
  }
  return bytes;
}

const bindUdp = async (port: number): Promise<Socket | undefined> => {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => resolve(undefined));
    s.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve(s));
  });
};
const closeUdp = (s: Socket) => new Promise<void>((r) => s.close(r));

/** A free UDP port `p` whose `p + gap` is free too (SIPp binds -mp and -mp + 2, for video). */
async function freeUdpPort(gap = 0): Promise<number> {
  for (;;) {
    const first = (await bindUdp(0))!;
    const { port } = first.address();
    const second = gap > 0 ? await bindUdp(port + gap) : first;
    await closeUdp(first);
    if (second !== undefined) {
      if (second !== first) await closeUdp(second);
      return port;
    }
  }
}

/** Index of the first byte where `a` and `b` differ, -1 when they are the same. */
function firstDifference(a: Buffer, b: Buffer): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

interface SippRun {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function startSipp(dir: string, sipPort: number, mediaPort: number, uasPort: number): SippRun {
  const args = [
    ...['-sf', scenario, '-m', '1', '-nostdin'],
    ...['-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1', '-mp', String(mediaPort)],
    ...['-timeout', '30s', '-timeout_error', '-trace_err'],
    `127.0.0.1:${uasPort}`,
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const output = () => {
    const logs = readdirSync(dir).filter((f) => f.endsWith('_errors.log'));
    return [out, ...logs.map((f) => readFileSync(join(dir, f), 'utf8'))].join('\n');
  };
  return { child, exited, output };
}

describe.skipIf(!sippInstalled)('media relay with SIPp as the caller (external RTP source)', () => {
  const file = audio();
  let dir: string;
  let engine: MediaEngine | undefined;
  let sipp: SippRun | undefined;
  const closers: (() => void)[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccx-sipp-'));
    writeFileSync(join(dir, AUDIO_FILE), file);
    return () => rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (sipp !== undefined && sipp.child.exitCode === null) sipp.child.kill('SIGKILL');
    sipp = undefined;
    for (const close of closers.splice(0)) close();
    await closeOpened();
    engine = undefined;
  });

  /** One call from SIPp; leg b answers with `bCodec`. Returns what each side saw. */
  async function call(options: OfferOptions, bCodec: typeof PCMA) {
    ({ engine } = openEngine({ rtcpIntervalMs: 100 }));
    const relay = engine;
    const b = await RtpPeer.open();
    const errors: unknown[] = [];
    const sdps: { offer?: string; answerToSipp?: string } = {};
    const uas = await SipUas.open(
      async (offer, sipCallId) => {
        sdps.offer = offer;
        await relay.offer('acme', sipCallId, offer, options);
        sdps.answerToSipp = relay.answer('acme', sipCallId, b.sdp([bCodec], ['a=rtcp-mux'])).sdp;
        return sdps.answerToSipp;
      },
      (err) => errors.push(err),
    );
    closers.push(
      () => b.close(),
      () => uas.close(),
    );
    const mediaPort = await freeUdpPort(2);
    sipp = startSipp(dir, await freeUdpPort(), mediaPort, uas.port);
    const run = sipp;
    const failed = run.exited.then((code) => {
      throw new Error(`sipp exited (${code}) early:\n${run.output()}`);
    });
    failed.catch(() => undefined); // only the race below reports it
    // SIPp's stream is over once leg b has every frame; then our INFO lets SIPp hang up.
    await Promise.race([b.waitForRtp(FRAMES, 20_000), failed]);
    expect((await uas.request('INFO')).status).toBe(200);
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(errors).toEqual([]);
    expect(uas.requests('BYE').map((m) => header(m, 'cseq'))).toContain('2 BYE');
    const sipCallId = header(uas.requests('INVITE')[0]!, 'call-id');
    const stats = await relay.query('acme', sipCallId);
    return { b, mediaPort, sdps, stats };
  }

  /** Leg b: exactly `expected` in order, one SSRC (the relay's, per its SR), no gap, PT `pt`. */
  async function expectStream(b: RtpPeer, expected: Buffer, pt: number) {
    const got = b.rtp();
    expect(got).toHaveLength(FRAMES);
    const payloads = Buffer.concat(got.map((r) => r.payload));
    expect({
      bytes: payloads.length,
      firstDifference: firstDifference(payloads, expected),
    }).toEqual({ bytes: expected.length, firstDifference: -1 });
    expect(new Set(got.map((r) => r.header.payloadType))).toEqual(new Set([pt]));
    for (let i = 1; i < got.length; i++) {
      expect((got[i]!.header.sequence - got[i - 1]!.header.sequence) & 0xffff).toBe(1);
      expect((got[i]!.header.timestamp - got[i - 1]!.header.timestamp) >>> 0).toBe(FRAME);
    }
    const ssrcs = new Set(got.map((r) => r.header.ssrc));
    expect(ssrcs.size).toBe(1);
    const srs = () =>
      b
        .rtcp()
        .map((r) => parseRtcp(r))
        .flatMap((p) => (p.ok ? p.packets : []))
        .filter((p) => p.type === 'sr');
    await waitFor('the relay SR counting every packet on leg b', () =>
      srs().some((sr) => sr.packetCount === FRAMES),
    );
    expect(srs().find((sr) => sr.packetCount === FRAMES)).toMatchObject({
      ssrc: [...ssrcs][0],
      octetCount: FRAMES * FRAME,
    });
  }

  it('passes SIPp’s A-law stream through to an A-law leg byte for byte', async () => {
    const { b, mediaPort, sdps, stats } = await call({ transcode: true }, PCMA);
    const offer = parseMediaSdp(sdps.offer ?? '');
    expect(offer.ok && offer.sdp.audio.port).toBe(mediaPort);
    const toSipp = parseMediaSdp(sdps.answerToSipp ?? '');
    expect(toSipp.ok && toSipp.sdp.audio.codecs.map((c) => c.name)).toEqual(['PCMA']);
    await expectStream(b, file, PCMA.pt);
    expect(stats.a).toMatchObject({
      latched: true,
      remote: `127.0.0.1:${mediaPort}`,
      codec: 'PCMA',
      packetsIn: FRAMES,
      bytesIn: FRAMES * (12 + FRAME),
      packetsLost: 0,
    });
    expect(stats.b).toMatchObject({ codec: 'PCMA', packetsOut: FRAMES });
  });

  it('transcodes SIPp’s A-law stream to a µ-law leg with the G.711 A→µ table', async () => {
    const { b, mediaPort, stats } = await call({ transcode: true, bCodecs: ['PCMU'] }, PCMU);
    await expectStream(b, Buffer.from(file.map((x) => ALAW_TO_ULAW[x]!)), PCMU.pt);
    expect(stats.a).toMatchObject({
      latched: true,
      remote: `127.0.0.1:${mediaPort}`,
      codec: 'PCMA',
      packetsIn: FRAMES,
      packetsLost: 0,
    });
    expect(stats.b).toMatchObject({ codec: 'PCMU', packetsOut: FRAMES });
  });
});
