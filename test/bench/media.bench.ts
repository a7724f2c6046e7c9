// `npm run bench -- media [--json] [--calls 100,250,500,1000,1500,2000] [--seconds 20] [--warmup 2]
//   [--direct-seconds 5] [--port-min 20000] [--port-max 29999] [--gen-ports 10000] [--inflight 50]
//   [--max-minutes 30] [--no-pin] [--direct-only] [--worker-node-args "<flags>"]`
// N concurrent calls through the real media worker (a child process pinned to core 0), two legs
// each at 20 ms, half of them transcoding A<->µ, driven by rtpload (C, pinned to core 1; see
// docs/media-bench.md). For each N: loss, corrupt packets, one-way latency through the relay and
// on plain loopback (--direct) and their difference ("added"), worker CPU. Steps stop after the
// first N that misses the bar: loss < 0.1 %, added p99 < 1 ms, no corrupt packets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { benchCli, runBench } from './bench-cli';
import { compileLoadTool, writeConversionTables, type LoadResult } from './media-bench-load';
import { hasTaskset, killChildren, killChildrenOnExit } from './media-bench-procs';
import {
  directBaseline,
  plannedCalls,
  runStep,
  type StepOptions,
  type StepResult,
} from './media-bench-step';

const BAR = { lossPct: 0.1, addedP99Us: 1000, corrupt: 0 };
/** Past these the generator, not the relay, is what limits: its figures are not the relay's. */
const GENERATOR_LIMIT = { cores: 0.9, sendLateP50Us: 5_000 };

const { argv, json, text, num, log } = benchCli();
const steps = (text('--calls') ?? '100,250,500,1000,1500,2000').split(',').map(Number);
const pin = !argv.includes('--no-pin');
const directOnly = argv.includes('--direct-only');

interface Row {
  calls: number;
  transcodingCalls: number;
  relayedPps?: number;
  lossPct?: number;
  corrupt?: number;
  relayUs?: { p50: number; p99: number };
  directUs: { p50: number; p99: number };
  addedUs?: { p50: number; p99: number };
  workerCores?: number;
  generatorCores: number;
  generatorLimited: boolean;
  meetsBar: boolean;
  failures: string[];
  /** Busy fraction of core 0 and core 1 not used by the worker and the generator: others' load. */
  otherLoad?: [number, number];
}

const generatorLimited = (r: LoadResult) =>
  r.cpu.cores > GENERATOR_LIMIT.cores || r.sendLateUs.p50 > GENERATOR_LIMIT.sendLateP50Us;

function rowOf(s: StepResult): Row {
  const d = s.direct.latencyUs.all;
  const row: Row = {
    calls: s.calls,
    transcodingCalls: Math.floor(s.calls / 2),
    directUs: { p50: d.p50, p99: d.p99 },
    generatorCores: s.direct.cpu.cores,
    generatorLimited: generatorLimited(s.direct),
    meetsBar: false,
    failures: s.error ? [s.error.split('\n')[0]!] : [],
  };
  const r = s.relay;
  if (!r) return row;
  const all = r.latencyUs.all;
  Object.assign(row, {
    relayedPps: r.ppsIn,
    lossPct: r.lossPct,
    corrupt: r.corrupt + r.wrongPt,
    relayUs: { p50: all.p50, p99: all.p99 },
    addedUs: { p50: all.p50 - d.p50, p99: all.p99 - d.p99 },
    workerCores: s.workerCores,
    generatorCores: r.cpu.cores,
    generatorLimited: row.generatorLimited || generatorLimited(r),
  });
  if (s.coreBusy && s.workerCores !== undefined && pin) {
    const other = (busy = 0, ours = 0) => Math.max(0, Math.round((busy - ours) * 100) / 100);
    row.otherLoad = [other(s.coreBusy[0], s.workerCores), other(s.coreBusy[1], r.cpu.cores)];
  }
  if (r.lossPct >= BAR.lossPct) row.failures.push(`loss ${r.lossPct}%`);
  if (all.p99 < 0 || all.p99 - d.p99 >= BAR.addedP99Us)
    row.failures.push(`added p99 ${all.p99 - d.p99} µs`);
  if (r.corrupt + r.wrongPt > BAR.corrupt)
    row.failures.push(`${r.corrupt} corrupt, ${r.wrongPt} wrong payload type`);
  row.meetsBar = row.failures.length === 0;
  return row;
}

/** Why a step missed the bar (or why stepping stopped). */
function limitOf(row: Row): string {
  const what = row.failures.join(', ');
  if (row.generatorLimited)
    return `the load generator (its core is saturated, so these figures are not the relay's): ${what}`;
  if ((row.workerCores ?? 0) >= 0.9)
    return `worker CPU saturated (${row.workerCores} cores): ${what}`;
  return what;
}

const pad = (v: unknown, w: number) => String(v ?? '-').padStart(w);
const pair = (p?: { p50: number; p99: number }) => (p ? `${p.p50}/${p.p99}` : '-');
function printTable(rows: Row[]): void {
  log(
    '  calls  transc.  relayed pkt/s  loss %  corrupt  relay p50/p99 µs  direct p50/p99 µs  added p50/p99 µs  worker cores  gen cores  others  bar',
  );
  for (const r of rows) {
    log(
      `${pad(r.calls, 7)}${pad(r.transcodingCalls, 9)}${pad(r.relayedPps, 15)}${pad(r.lossPct, 8)}${pad(r.corrupt, 9)}` +
        `${pad(pair(r.relayUs), 18)}${pad(pair(r.directUs), 19)}${pad(pair(r.addedUs), 18)}` +
        `${pad(r.workerCores, 14)}${pad(r.generatorCores, 11)}${pad(r.otherLoad?.join('/'), 10)}  ${r.meetsBar ? 'met' : r.generatorLimited ? 'gen!' : 'missed'}`,
    );
  }
}

async function cleanRedis(redisUrl: string, prefix: string): Promise<void> {
  const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    admin.disconnect();
  }
}

async function main() {
  killChildrenOnExit();
  const maxMinutes = num('--max-minutes', 30);
  setTimeout(() => {
    console.error(`media bench: still running after ${maxMinutes} min; stopping`);
    killChildren();
    process.exit(1);
  }, maxMinutes * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'ccx-media-bench-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const o: StepOptions = {
    redisUrl,
    busPrefix: `ccxbench-media-${randomBytes(4).toString('hex')}`,
    binary: compileLoadTool(),
    tables: writeConversionTables(dir),
    dir,
    seconds: num('--seconds', 20),
    warmup: num('--warmup', 2),
    directSeconds: num('--direct-seconds', 5),
    portMin: num('--port-min', 20_000),
    portMax: num('--port-max', 29_999),
    genPortBase: num('--gen-ports', 10_000),
    inflight: num('--inflight', 50),
    workerCore: pin ? 0 : undefined,
    generatorCore: pin ? 1 : undefined,
    workerNodeArgs: (text('--worker-node-args') ?? '').split(' ').filter(Boolean),
    log,
  };
  const most = Math.max(...steps);
  if (steps.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--calls: positive integers');
  if (o.portMax - o.portMin + 1 < 4 * most)
    throw new Error(
      `--port-min..--port-max must hold 4 ports per call (${4 * most} for ${most} calls)`,
    );
  if (o.genPortBase < o.portMax + 1 && o.genPortBase + 4 * most > o.portMin)
    throw new Error('--gen-ports overlaps the worker port range');
  log(
    `media bench: steps ${steps.join(', ')} calls, ${o.warmup} s warm-up + ${o.seconds} s each; ` +
      (pin && hasTaskset ? 'worker on core 0, generator on core 1' : 'no CPU pinning'),
  );

  const rows: Row[] = [];
  const results: StepResult[] = [];
  try {
    for (const n of steps) {
      if (directOnly) {
        const direct = await directBaseline(o, plannedCalls(o, n, 'direct'));
        results.push({ calls: n, direct });
        log(
          `  ${n} calls direct: ${JSON.stringify({ loss: direct.lossPct, latencyUs: direct.latencyUs.all, sendLateUs: direct.sendLateUs, cpu: direct.cpu })}`,
        );
        continue;
      }
      const step = await runStep(o, n, `b${randomBytes(3).toString('hex')}`);
      results.push(step);
      const row = rowOf(step);
      rows.push(row);
      printTable([row]);
      if (!row.meetsBar || row.generatorLimited) break;
    }
  } finally {
    killChildren();
    rmSync(dir, { recursive: true, force: true });
    await cleanRedis(redisUrl, o.busPrefix).catch(() => undefined);
  }
  if (directOnly) {
    if (json) process.stdout.write(`${JSON.stringify({ directOnly: true, steps: results })}\n`);
    return;
  }

  const passed = rows.filter((r) => r.meetsBar && !r.generatorLimited);
  const largest = passed.length > 0 ? Math.max(...passed.map((r) => r.calls)) : null;
  const missed = rows.find((r) => !r.meetsBar || r.generatorLimited);
  const limitedBy = missed
    ? `${missed.calls} calls: ${limitOf(missed)}`
    : `not reached: every step up to ${most} calls met the bar`;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ bar: BAR, seconds: o.seconds, warmup: o.warmup, largestCallsMeetingBar: largest, limitedBy, rows, steps: results })}\n`,
    );
    return;
  }
  log('');
  printTable(rows);
  log(`bar: loss < ${BAR.lossPct} %, added p99 < ${BAR.addedP99Us} µs, no corrupt packets`);
  log(`largest N meeting the bar: ${largest ?? 'none'}; limited by ${limitedBy}`);
  log(
    'added = through the relay minus loopback (--direct) at the same percentile: an approximation',
  );
}

runBench(main);
