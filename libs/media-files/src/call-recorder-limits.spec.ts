import { decodeAlaw } from '@ccx/g711';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder, RecordingError } from './call-recorder';
import { readStereo } from './testing/wav-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccx-recorder-limits-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// 256 distinct packets cycled: enough to catch any misplacement by a packet or a sample.
const PATTERNS = Array.from({ length: 256 }, (_, p) =>
  Uint8Array.from({ length: 160 }, (_, k) => (p * 53 + k * 3) & 0xff),
);
const DECODED = PATTERNS.map((codes) => decodeAlaw(codes));

describe('CallRecorder limits', () => {
  it('records 10 minutes of one leg with small buffers; the silent leg is silence', async () => {
    const path = join(dir, 'ten-minutes.wav');
    const recorder = await CallRecorder.start(path, 0);
    const packets = 10 * 60 * 50;
    let peakBufferedMs = 0;
    let peakPending = 0;
    for (let i = 0; i < packets; i++) {
      recorder.push(0, PATTERNS[i % 256]!, 'alaw', 160 * i, 42, 20 * i);
      peakBufferedMs = Math.max(peakBufferedMs, recorder.bufferedMs);
      peakPending = Math.max(peakPending, recorder.pendingBytes);
      // Real packets come over time; let the disk keep up once per second of audio.
      if (i % 50 === 49) while (recorder.pendingBytes > 0) await sleep(1);
    }
    const result = await recorder.stop(20 * packets);

    expect(result).toEqual({ file: path, durationMs: 600_000, bytes: 44 + 4_800_000 * 4 });
    expect(peakBufferedMs).toBeLessThanOrEqual(1100); // 500 ms lag + 500 ms flush batch + a packet
    expect(peakPending).toBeLessThanOrEqual(64 * 1024); // what one second of pushes queues
    expect((await stat(path)).size).toBe(result.bytes);
    const wav = readStereo(await readFile(path));
    expect(wav.left.length).toBe(4_800_000);
    let misplaced = 0;
    for (let i = 0; i < packets; i++) {
      const expected = DECODED[i % 256]!;
      for (let k = 0; k < 160; k++) if (wav.left[160 * i + k] !== expected[k]) misplaced++;
    }
    expect(misplaced).toBe(0);
    expect(wav.right.every((v) => v === 0)).toBe(true);
  });

  it('fails the recording, reported by stop, when the disk falls too far behind', async () => {
    const path = join(dir, 'behind.wav');
    const recorder = await CallRecorder.start(path, 0, { maxPendingBytes: 64 * 1024 });
    // Ten seconds pushed without ever yielding: no write can complete meanwhile.
    for (let i = 0; i < 500; i++) recorder.push(0, PATTERNS[0]!, 'alaw', 160 * i, 1, 20 * i);
    await expect(recorder.stop(10_000)).rejects.toThrow(
      new RecordingError(
        `recording ${path}: disk writes fell more than 65536 bytes behind at 2.0 s`,
      ),
    );
    // The audio handed over before the failure is written and the header covers just that.
    const wav = readStereo(await readFile(path));
    expect(wav.left.length).toBe(16_000);
    expect(wav.left.subarray(15_840)).toEqual(DECODED[0]);
  });

  it('never throws from push, whatever it is given', async () => {
    const recorder = await CallRecorder.start(join(dir, 'garbage.wav'), 0);
    const codes = new Uint8Array(160);
    const calls: Array<() => void> = [
      () => recorder.push(2 as 0, codes, 'alaw', 0, 1, 0),
      () => recorder.push(0, codes, 'g722' as 'alaw', 0, 1, 0),
      () => recorder.push(0, new Uint8Array(0), 'alaw', 0, 1, 0),
      () => recorder.push(0, null as unknown as Uint8Array, 'alaw', 0, 1, 0),
      () => recorder.push(0, codes, 'alaw', Number.NaN, 1, 0),
      () => recorder.push(1, codes, 'ulaw', 0, 1, Number.POSITIVE_INFINITY),
      () => recorder.push(1, new Uint8Array(65_000), 'ulaw', -5, -1, -1e9),
    ];
    for (const call of calls) expect(call).not.toThrow();
    expect(recorder.stats.invalid).toBe(6);
    const result = await recorder.stop(100);
    expect(() => recorder.push(0, codes, 'alaw', 0, 1, 0)).not.toThrow();
    expect(await recorder.stop(5000)).toBe(result);
    expect(result.durationMs).toBe(65_000 / 8);
  });

  it('rejects start with a clear error when the file cannot be created', async () => {
    const missing = join(dir, 'no-such-dir', 'x.wav');
    await expect(CallRecorder.start(missing, 0)).rejects.toThrow(
      `recording ${missing}: cannot create (ENOENT)`,
    );
    const existing = join(dir, 'exists.wav');
    await writeFile(existing, 'keep me');
    await expect(CallRecorder.start(existing, 0)).rejects.toThrow(
      `recording ${existing}: cannot create (EEXIST)`,
    );
    expect(await readFile(existing, 'utf8')).toBe('keep me');
  });
});
