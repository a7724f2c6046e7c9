// The RTP load generator of the media bench (test/bench/rtpload/rtpload.c, in C: see its header
// and docs/media-bench.md): compiled on demand into dist/, fed a call list and the G.711
// conversion tables of @ccx/g711, run pinned to its own core; returns its one JSON object.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALAW_TO_ULAW, ULAW_TO_ALAW } from '@ccx/g711';
import { pinned, track } from './media-bench-procs';

const root = resolve(__dirname, '..', '..', '..');
const source = join(root, 'test', 'bench', 'rtpload', 'rtpload.c');
const binary = join(root, 'dist', 'test', 'bench', 'rtpload', 'rtpload');

/** Builds dist/test/bench/rtpload/rtpload with gcc -O2 when missing or older than its source. */
export function compileLoadTool(): string {
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  if (spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('the media bench compiles its load tool with gcc: apt-get install -y gcc');
  }
  mkdirSync(join(binary, '..'), { recursive: true });
  const res = spawnSync('gcc', ['-O2', '-Wall', '-o', binary, source], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`gcc failed on ${source}:\n${res.stderr}`);
  return binary;
}

/** 512 bytes: the G.711 A->µ table, then µ->A, as @ccx/g711 exports them (no second copy). */
export function writeConversionTables(dir: string): string {
  const file = join(dir, 'g711-conversion.bin');
  writeFileSync(file, Buffer.concat([Buffer.from(ALAW_TO_ULAW), Buffer.from(ULAW_TO_ALAW)]));
  return file;
}

export type Law = 'PCMA' | 'PCMU';

/** One call as the generator sees it: its two endpoints and the relay ports they send to. */
export interface LoadCall {
  aPort: number;
  aRelayPort: number;
  bPort: number;
  bRelayPort: number;
  aPt: number;
  bPt: number;
  aLaw: Law;
  bLaw: Law;
}

export function writeCallList(file: string, calls: LoadCall[]): string {
  const line = (c: LoadCall) =>
    `${c.aPort} ${c.aRelayPort} ${c.bPort} ${c.bRelayPort} ${c.aPt} ${c.bPt} ${c.aLaw} ${c.bLaw}`;
  writeFileSync(file, `${calls.map(line).join('\n')}\n`);
  return file;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** rtpload's output (fields as it prints them; latencies in µs). */
export interface LoadResult {
  /** The generator busy-polled: its CPU is 1.0 by design and says nothing about its headroom. */
  spin: boolean;
  mode: 'relay' | 'direct';
  calls: number;
  seconds: number;
  interrupted: boolean;
  sent: number;
  counted: number;
  received: number;
  lost: number;
  lossPct: number;
  duplicates: number;
  corrupt: number;
  wrongPt: number;
  timestampErrors: number;
  ssrcChanges: number;
  unmatched: number;
  malformed: number;
  late: number;
  rtcpIn: number;
  sendErrors: number;
  recvErrors: number;
  rxQueueDrops: number;
  silentReceivers: number;
  ppsOut: number;
  ppsIn: number;
  latencyUs: { all: LatencySummary; passthrough: LatencySummary; transcoding: LatencySummary };
  sendLateUs: { p50: number; p99: number; p999: number };
  cpu: { seconds: number; cores: number };
}

export interface LoadOptions {
  binary: string;
  callList: string;
  tables: string;
  seconds: number;
  warmup: number;
  direct: boolean;
  /** The relay's address (from its SDP); ignored with direct. */
  host?: string;
  /** Core to pin the generator to (taskset -c), or undefined for no pinning. */
  core: number | undefined;
  /** Busy-poll instead of sleeping between packets (see rtpload's --spin). */
  spin?: boolean;
  /** Called once the generator process has started (its clock starts ~50 ms later). */
  onStart?: () => void;
}

/** Runs the generator to completion (killed if it overruns by 30 s) and parses its JSON. */
export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const args = ['--calls', o.callList, '--tables', o.tables, '--seconds', String(o.seconds)];
  args.push(
    '--warmup',
    String(o.warmup),
    ...(o.direct ? ['--direct'] : ['--host', o.host ?? '127.0.0.1']),
    ...(o.spin ? ['--spin'] : []),
  );
  const [cmd, argv] = pinned(o.core, o.binary, args);
  const child = track(spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
  o.onStart?.();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const limitMs = (o.warmup + o.seconds + 30) * 1000;
  const timer = setTimeout(() => child.kill('SIGTERM'), limitMs);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`rtpload exited with ${code}: ${stderr.trim()}`));
      try {
        resolvePromise(JSON.parse(stdout) as LoadResult);
      } catch {
        reject(new Error(`rtpload printed no JSON: ${stdout.slice(0, 200)} ${stderr.trim()}`));
      }
    });
  });
}
