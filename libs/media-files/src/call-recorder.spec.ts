import { decodeAlaw, decodeUlaw } from '@ccx/g711';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder } from './call-recorder';
import type { Law } from './law';
import { readStereo } from './testing/wav-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccx-recorder-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

type Packet = { channel: 0 | 1; codes: Uint8Array; law: Law; ts: number; ssrc: number; at: number };

// A distinct pattern per packet; A-law never decodes to 0 and the µ-law range used avoids 0x7f,
// so silence in the result can only come from the timeline.
const codesFor = (seed: number, law: Law): Uint8Array =>
  Uint8Array.from({ length: 160 }, (_, k) =>
    law === 'alaw' ? (seed * 37 + k * 11) & 0xff : (seed * 13 + k) % 0x7f,
  );
const decode = (law: Law, codes: Uint8Array): Int16Array =>
  law === 'alaw' ? decodeAlaw(codes) : decodeUlaw(codes);
// Up to 15 ms of network jitter: placement must come from the RTP timestamp, not arrival.
const jitter = (i: number): number => (i === 0 ? 0 : (i * 7) % 16);

async function record(name: string, packets: Packet[], startMs: number, stopMs: number) {
  const recorder = await CallRecorder.start(join(dir, name), startMs);
  for (const p of packets) recorder.push(p.channel, p.codes, p.law, p.ts, p.ssrc, p.at);
  const result = await recorder.stop(stopMs);
  return { recorder, result, wav: readStereo(await readFile(result.file)) };
}

describe('CallRecorder timeline', () => {
  it('places two legs sample-exactly: late start, gap, SSRC change, timestamp wrap', async () => {
    const start = 1000;
    const left = new Int16Array(25600);
    const right = new Int16Array(25600);
    const packets: Packet[] = [];
    // Leg a: A-law, timestamps wrap past 2^32 after five packets, packets 50-59 lost (200 ms gap).
    for (let i = 0; i < 150; i++) {
      if (i >= 50 && i < 60) continue;
      const codes = codesFor(i, 'alaw');
      const ts = (0xffffffff - 799 + 160 * i) >>> 0;
      packets.push({
        channel: 0,
        codes,
        law: 'alaw',
        ts,
        ssrc: 0x1111,
        at: start + 20 * i + jitter(i),
      });
      left.set(decode('alaw', codes), 160 * i);
    }
    // Leg b: µ-law, first packet arrives 100 ms after the start; after 60 packets the source
    // changes (new SSRC, unrelated timestamps) and arrives 7 ms after its slot.
    for (let j = 0; j < 140; j++) {
      const codes = codesFor(j, 'ulaw');
      const changed = j >= 60;
      const ts = changed ? 999_999 + 160 * (j - 60) : 12_345 + 160 * j;
      const at = start + 100 + 20 * j + (j === 60 ? 7 : jitter(j));
      packets.push({ channel: 1, codes, law: 'ulaw', ts, ssrc: changed ? 0x3333 : 0x2222, at });
      right.set(decode('ulaw', codes), changed ? 10_456 + 160 * (j - 60) : 800 + 160 * j);
    }
    packets.sort((x, y) => x.at - y.at);

    const { recorder, result, wav } = await record('two-legs.wav', packets, start, start + 3200);

    expect(result).toEqual({
      file: join(dir, 'two-legs.wav'),
      durationMs: 3200,
      bytes: 44 + 25600 * 4,
    });
    expect([wav.channels, wav.sampleRate, wav.bitDepth]).toEqual([2, 8000, '16']);
    expect(wav.left).toEqual(left);
    expect(wav.right).toEqual(right);
    expect(recorder.stats).toEqual({
      packets: [140, 140],
      late: [0, 0],
      reanchors: [0, 1],
      invalid: 0,
    });
  });

  it('re-anchors by arrival on a timestamp jump, keeps reordered packets, drops stale ones', async () => {
    const start = 0;
    const left = new Int16Array(8 * 2000);
    const packets: Packet[] = [];
    const push = (i: number, ts: number, at: number, pos: number | undefined): void => {
      const codes = codesFor(i, 'alaw');
      packets.push({ channel: 0, codes, law: 'alaw', ts, ssrc: 7, at });
      if (pos !== undefined) left.set(decode('alaw', codes), pos);
    };
    for (let i = 0; i < 80; i++) {
      if (i === 5 || i === 20) continue;
      push(i, 160 * i, 20 * i, 160 * i);
      if (i === 22) push(20, 160 * 20, 20 * 22 + 1, 160 * 20); // two packets late: still in time
    }
    push(5, 160 * 5, 1500, undefined); // 1.4 s late: its audio is already on disk, dropped
    // The sender jumps its timestamps 10 s ahead; the packet is placed by arrival (1.6 s) instead.
    for (let i = 80; i < 90; i++)
      push(i, 160 * i + 80_000, 1600 + 20 * (i - 80), 12_800 + 160 * (i - 80));

    const { recorder, result, wav } = await record('jump.wav', packets, start, 2000);

    expect(result.durationMs).toBe(2000);
    expect(wav.left).toEqual(left);
    expect(wav.right).toEqual(new Int16Array(16_000));
    expect(recorder.stats).toMatchObject({ late: [1, 0], reanchors: [1, 0] });
  });

  it('keeps a silence-suppressed stream on its timestamps when they match the elapsed time', async () => {
    const left = new Int16Array(16_000);
    const packets: Packet[] = [];
    for (const [i, at] of [
      [0, 0],
      [1, 20],
      [2, 40],
      [60, 1213],
      [61, 1221],
    ] as const) {
      const codes = codesFor(i, 'alaw');
      packets.push({ channel: 0, codes, law: 'alaw', ts: 5000 + 160 * i, ssrc: 9, at });
      left.set(decode('alaw', codes), 160 * i);
    }
    const { recorder, wav } = await record('dtx.wav', packets, 0, 2000);
    expect(wav.left).toEqual(left);
    expect(recorder.stats.reanchors).toEqual([0, 0]);
  });

  it('follows a sender whose clock runs slow instead of dropping its audio as late', async () => {
    // 20 ms of timestamps every 25 ms: the leg falls 5 ms behind the arrival clock per packet.
    const packets: Packet[] = [];
    for (let i = 0; i < 300; i++) {
      packets.push({
        channel: 0,
        codes: codesFor(i, 'alaw'),
        law: 'alaw',
        ts: 160 * i,
        ssrc: 1,
        at: 25 * i,
      });
    }
    const { recorder, wav } = await record('slow-clock.wav', packets, 0, 7600);
    expect(recorder.stats.late).toEqual([0, 0]);
    expect(recorder.stats.reanchors[0]).toBeGreaterThan(0);
    expect(wav.left.filter((v) => v !== 0).length).toBe(300 * 160); // every packet's audio is there
  });

  it('writes silence on both channels until stop when nothing was pushed', async () => {
    const { result, wav } = await record('empty.wav', [], 500, 750);
    expect(result).toMatchObject({ durationMs: 250, bytes: 44 + 2000 * 4 });
    expect(wav.left).toEqual(new Int16Array(2000));
    expect(wav.right).toEqual(new Int16Array(2000));
  });
});
