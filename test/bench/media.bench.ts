// `npm run bench -- media [--json] [--calls 100,250,500,1000,1500,2000] [--seconds 20] [--warmup 2]
//   [--direct-seconds 5] [--port-min 20000] [--port-max 29999] [--gen-ports 10000] [--inflight 50]
//   [--max-minutes 30] [--retries 2] [--no-pin] [--keep-going] [--direct-only] [--worker-node-args "<flags>"]`
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
import { compileLoadTool, writeConversionTables } from './media-bench-load';
import {
  BAR,
  cpuProjection,
  interfered,
  limitOf,
  printTable,
  rowOf,
  type Row,
} from './media-bench-report';
import { hasTaskset, killChildren, killChildrenOnExit } from './media-bench-procs';
import {
  directBaseline,
  plannedCalls,
  runStep,
  type StepOptions,
  type StepResult,
} from './media-bench-step';

const { argv, json, text, num, log } = benchCli();
const steps = (text('--calls') ?? '100,250,500,1000,1500,2000').split(',').map(Number);
const pin = !argv.includes('--no-pin');
const directOnly = argv.includes('--direct-only');
const keepGoing = argv.includes('--keep-going');
const retries = Number(text('--retries') ?? 2);

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
    spin: argv.includes('--spin'),
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
      let step: StepResult;
      let row: Row;
      for (let attempt = 1; ; attempt++) {
        step = await runStep(o, n, `b${randomBytes(3).toString('hex')}`);
        row = { ...rowOf(step, pin), attempts: attempt };
        printTable([row], log);
        if (row.meetsBar || step.error || attempt > retries || !interfered(row)) break;
        log(
          `  ${n} calls: missed with other processes on the worker's core; again (${attempt}/${retries})`,
        );
      }
      results.push(step);
      rows.push(row);
      if (step.error || ((!row.meetsBar || row.generatorLimited) && !keepGoing)) break;
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
  const projection = cpuProjection(rows);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ bar: BAR, seconds: o.seconds, warmup: o.warmup, largestCallsMeetingBar: largest, limitedBy, projection, rows, steps: results })}\n`,
    );
    return;
  }
  log('');
  printTable(rows, log);
  log(`bar: loss < ${BAR.lossPct} %, added p99 < ${BAR.addedP99Us} µs, no corrupt packets`);
  log(`largest N meeting the bar: ${largest ?? 'none'}; limited by ${limitedBy}`);
  if (projection)
    log(
      `worker CPU ≈ ${projection.baseCores} + ${projection.usPerPacket} µs × relayed packets/s (${projection.steps} unsaturated steps): one busy core ≈ ${projection.lowerBound ? 'at least ' : ''}${projection.callsPerCore} calls`,
    );
  log(
    'added = through the relay minus loopback (--direct) at the same percentile: an approximation;',
  );
  log('waited = seconds per second the worker was runnable but waiting for its core;');
  log(
    'others = busy time of core 0 / core 1 not used by the worker / generator (other processes).',
  );
}

runBench(main);
