// Records a call as a stereo 16-bit PCM WAV at 8 kHz, leg a on the left channel, leg b on the
// right, streaming to disk (see docs/media-files.md for the timeline rules).
//
// Memory is one fixed ring of RING_SAMPLES stereo frames (128 KiB) plus the writes queued for the
// disk (capped by maxPendingBytes). Audio is flushed from the ring when both legs have passed a
// point (less a small allowance for reordering), or when it is older than LAG_SAMPLES by the
// arrival clock, whichever comes first; a leg that is silent or gone is then written as silence.
// Silence after the last audio is not written but left as a hole (the file is extended on stop).
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { decodeInto, isLaw, type Law } from './law';
import { LegTimeline, SAMPLES_PER_MS } from './leg-timeline';
import { pcmWavHeader, WAV_HEADER_BYTES, WAV_MAX_DATA_BYTES } from './wav-header';

const RING_SAMPLES = 32768; // 4.1 s: more than LAG + FLUSH + the 2 s a leg may run ahead
const RING_MASK = RING_SAMPLES - 1;
const PIECE_SAMPLES = 4096; // a packet is placed in pieces of at most this many samples
const LAG_SAMPLES = 500 * SAMPLES_PER_MS;
const REORDER_SAMPLES = 60 * SAMPLES_PER_MS;
const FLUSH_SAMPLES = 500 * SAMPLES_PER_MS;
const FRAME_BYTES = 4; // two 16-bit samples
const MAX_SAMPLES = Math.floor(WAV_MAX_DATA_BYTES / FRAME_BYTES);
const BIG_ENDIAN = endianness() === 'BE';

export interface CallRecorderOptions {
  /** Bytes queued for the disk beyond which recording fails (default 4 MiB, about 2 minutes). */
  maxPendingBytes?: number;
}

/** Counts per channel, [leg a, leg b]. */
export interface RecordingStats {
  packets: [number, number];
  /** Packets dropped whole because their place on the timeline was already written. */
  late: [number, number];
  /** Times a leg was placed again by arrival time (SSRC change, timestamp jump, fell behind). */
  reanchors: [number, number];
  /** Pushes ignored because an argument was not usable (bad channel, law, time or empty payload). */
  invalid: number;
}

export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

export class CallRecorder {
  private readonly ring = new Int16Array(RING_SAMPLES * 2);
  private readonly scratch = new Int16Array(PIECE_SAMPLES);
  private readonly legs = [new LegTimeline(), new LegTimeline()] as const;
  private readonly known = [0, 0];
  private flushed = 0; // everything before this position is written (or a hole of silence)
  private dataEnd = 0; // nothing at or after this position has audio in the ring
  private pending = 0;
  private writes: Promise<void> = Promise.resolve();
  private failure: string | undefined;
  private failedAt = 0; // timeline position the recording is good up to, once failed
  private invalid = 0;
  private stopping: Promise<{ file: string; durationMs: number; bytes: number }> | undefined;

  private constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
    private readonly startMs: number,
    private readonly maxPending: number,
  ) {}

  /** Creates the file (it must not exist) and writes a provisional header. */
  static async start(
    path: string,
    nowMs: number,
    options: CallRecorderOptions = {},
  ): Promise<CallRecorder> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'wx');
      await handle.write(pcmWavHeader(0, 2, 8000, 16), 0, WAV_HEADER_BYTES, 0);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      throw new RecordingError(`recording ${path}: cannot create (${describe(err)})`);
    }
    return new CallRecorder(path, handle, nowMs, options.maxPendingBytes ?? 4 * 1024 * 1024);
  }

  /** Audio received on a leg. Never throws; unusable arguments are counted and ignored. */
  push(
    channel: 0 | 1,
    codes: Uint8Array,
    law: Law,
    rtpTimestamp: number,
    ssrc: number,
    nowMs: number,
  ): void {
    if (this.stopping || this.failure) return;
    try {
      if (
        (channel !== 0 && channel !== 1) ||
        !isLaw(law) ||
        !(codes instanceof Uint8Array) ||
        codes.length === 0 ||
        !Number.isFinite(nowMs) ||
        !Number.isFinite(rtpTimestamp)
      ) {
        this.invalid++;
        return;
      }
      const arrival = this.positionAt(nowMs);
      const leg = this.legs[channel];
      const pos = leg.locate(rtpTimestamp >>> 0, ssrc >>> 0, arrival, this.flushed);
      if (pos + codes.length <= this.flushed) leg.late++;
      else this.place(channel, pos, codes, law);
      this.flushIfReady(arrival);
    } catch (err) {
      this.fail(`internal error: ${describe(err)}`);
    }
  }

  /** Writes what is left, extends the file to `nowMs` with silence and patches the header. */
  stop(nowMs: number): Promise<{ file: string; durationMs: number; bytes: number }> {
    this.stopping ??= this.finish(nowMs);
    return this.stopping;
  }

  get stats(): RecordingStats {
    const [a, b] = this.legs;
    return {
      packets: [a.packets, b.packets],
      late: [a.late, b.late],
      reanchors: [a.reanchors, b.reanchors],
      invalid: this.invalid,
    };
  }

  /** Audio held in memory, not yet handed to the disk, in ms. */
  get bufferedMs(): number {
    return Math.max(0, this.dataEnd - this.flushed) / SAMPLES_PER_MS;
  }

  /** Bytes handed to the disk and not yet written. */
  get pendingBytes(): number {
    return this.pending;
  }

  private positionAt(nowMs: number): number {
    return Math.max(0, Math.round((nowMs - this.startMs) * SAMPLES_PER_MS));
  }

  private place(channel: 0 | 1, pos: number, codes: Uint8Array, law: Law): void {
    let skip = Math.max(0, this.flushed - pos); // the part already written is dropped
    while (skip < codes.length) {
      const count = Math.min(PIECE_SAMPLES, codes.length - skip);
      const start = pos + skip;
      const end = start + count;
      if (end > MAX_SAMPLES) return this.fail('reached the 4 GiB WAV size limit');
      if (end - this.flushed > RING_SAMPLES) this.flushTo(end - (RING_SAMPLES >> 1));
      const samples = decodeInto(law, codes.subarray(skip, skip + count), this.scratch);
      for (let i = 0, at = start; i < count; i++, at++) {
        this.ring[((at & RING_MASK) << 1) | channel] = samples[i]!;
      }
      if (end > this.known[channel]!) this.known[channel] = end;
      if (end > this.dataEnd) this.dataEnd = end;
      skip += count;
    }
  }

  private flushIfReady(arrival: number): void {
    const both = Math.min(this.known[0]!, this.known[1]!) - REORDER_SAMPLES;
    const target = Math.max(both, arrival - LAG_SAMPLES);
    if (target - this.flushed >= FLUSH_SAMPLES) this.flushTo(target);
  }

  /** Hands [flushed, target) to the disk; the part after the last audio stays a hole. */
  private flushTo(target: number): void {
    const from = this.flushed;
    const to = Math.min(target, this.dataEnd);
    if (to > from) {
      const chunk = Buffer.allocUnsafe((to - from) * FRAME_BYTES);
      const first = from & RING_MASK;
      const firstCount = Math.min(to - from, RING_SAMPLES - first);
      this.copyOut(chunk, 0, first, firstCount);
      if (firstCount < to - from)
        this.copyOut(chunk, firstCount * FRAME_BYTES, 0, to - from - firstCount);
      if (BIG_ENDIAN) chunk.swap16();
      this.enqueue(chunk, WAV_HEADER_BYTES + from * FRAME_BYTES);
    }
    if (target > this.flushed) this.flushed = target;
  }

  private copyOut(chunk: Buffer, at: number, ringFrame: number, frames: number): void {
    const view = this.ring.subarray(ringFrame * 2, (ringFrame + frames) * 2);
    chunk.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), at);
    view.fill(0);
  }

  private enqueue(chunk: Buffer, position: number): void {
    if (this.failure) return;
    if (this.pending + chunk.length > this.maxPending) {
      return this.fail(`disk writes fell more than ${this.maxPending} bytes behind`);
    }
    this.pending += chunk.length;
    this.writes = this.writes.then(() => this.writeAt(chunk, position));
  }

  private async writeAt(chunk: Buffer, position: number): Promise<void> {
    try {
      for (let done = 0; done < chunk.length;) {
        const { bytesWritten } = await this.handle.write(
          chunk,
          done,
          chunk.length - done,
          position + done,
        );
        if (bytesWritten <= 0) throw new Error('wrote 0 bytes');
        done += bytesWritten;
      }
    } catch (err) {
      this.fail(`write failed (${describe(err)})`, (position - WAV_HEADER_BYTES) / FRAME_BYTES);
    } finally {
      this.pending -= chunk.length;
    }
  }

  /** Remembers the first failure; later pushes are ignored and stop() rejects with it. */
  private fail(why: string, at = this.flushed): void {
    if (this.failure) return;
    this.failedAt = at;
    this.failure = `${why} at ${(at / (SAMPLES_PER_MS * 1000)).toFixed(1)} s`;
  }

  private async finish(
    nowMs: number,
  ): Promise<{ file: string; durationMs: number; bytes: number }> {
    if (!this.failure) {
      this.flushTo(Math.min(Math.max(this.positionAt(nowMs), this.dataEnd), MAX_SAMPLES));
    }
    await this.writes;
    // After a failure the header covers only the audio before it, so the file still plays.
    const end = this.failure ? this.failedAt : this.flushed;
    const bytes = WAV_HEADER_BYTES + end * FRAME_BYTES;
    try {
      await this.handle.truncate(bytes);
      await this.handle.write(pcmWavHeader(end * FRAME_BYTES, 2, 8000, 16), 0, WAV_HEADER_BYTES, 0);
      await this.handle.close();
    } catch (err) {
      await this.handle.close().catch(() => undefined);
      this.fail(`finishing failed (${describe(err)})`);
    }
    if (this.failure) throw new RecordingError(`recording ${this.file}: ${this.failure}`);
    return { file: this.file, durationMs: end / SAMPLES_PER_MS, bytes };
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}
