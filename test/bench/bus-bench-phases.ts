// The measuring phases of `npm run bench -- bus` (see bus.bench.ts).
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createEventBus, type EventBus, type PublishRequest } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { uniquePrefix } from '../support/redis';
import {
  childProcessConsumers,
  inProcessConsumers,
  type GroupConsumers,
} from './bus-bench-consumers';

export const GROUPS = ['bench-a', 'bench-b', 'bench-c'] as const;

export interface PhaseOptions {
  redisUrl: string;
  /** Jobs handled at once per group and process (worker concurrency). */
  concurrency: number;
  lingerMs: number | undefined;
  /** Consumers in the bench process instead of one child process per group. */
  inProcess: boolean;
  progress(message: string): void;
}

/** CPU used during a phase, in % of one core. */
export interface CpuFigures {
  publisherCpuPct: number;
  consumersCpuPct: number;
  redisCpuPct: number;
}

export interface ThroughputFigures extends CpuFigures {
  events: number;
  seconds: number;
  eventsPerSec: number;
  deliveriesPerSec: number;
  publishPerSec: number;
}

export interface LatencyFigures extends CpuFigures {
  rate: number;
  events: number;
  achievedRate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_sys') + read('used_cpu_user');
}

interface Run {
  bus: EventBus;
  consumers: GroupConsumers;
}

/** A publishing bus and three consumer groups on a fresh prefix; removes its keys when done. */
async function withGroups<T>(
  options: PhaseOptions,
  run: (r: Run) => Promise<T>,
): Promise<T & CpuFigures> {
  const prefix = uniquePrefix('bench');
  const admin = new Redis(options.redisUrl);
  const bus = createEventBus({
    redisUrl: options.redisUrl,
    prefix,
    source: 'bench',
    lingerMs: options.lingerMs,
    logger: createLogger('bench', 'warn'),
  });
  const consumers = options.inProcess
    ? await inProcessConsumers(bus, GROUPS, options.concurrency)
    : await childProcessConsumers(options.redisUrl, prefix, GROUPS, options.concurrency);
  try {
    await consumers.reset();
    const cpu0 = process.cpuUsage();
    const redis0 = await redisCpuSeconds(admin);
    const t0 = performance.now();
    const result = await run({ bus, consumers });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const redisCpu = (await redisCpuSeconds(admin)) - redis0;
    const consumerMs = (await consumers.stats()).reduce((sum, s) => sum + s.cpuMs, 0);
    return {
      ...result,
      publisherCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100),
      consumersCpuPct: Math.round((consumerMs / 1000 / wall) * 100),
      redisCpuPct: Math.round((redisCpu / wall) * 100),
    };
  } finally {
    await consumers.close();
    await bus.close();
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== '0');
    await admin.quit();
  }
}

/** The send time rides in correlationId (absolute, sub-millisecond), so any process can measure. */
const ringing = (i: number, stamp = false): PublishRequest => ({
  name: 'call.ringing',
  tenantId: 'bench',
  callId: `call-${i >> 4}`,
  seq: i & 15,
  data: { earlyMedia: false },
  ...(stamp ? { correlationId: String(performance.timeOrigin + performance.now()) } : {}),
});

const minHandled = async (consumers: GroupConsumers) =>
  Math.min(...(await consumers.stats()).map((s) => s.handled));

/** Publishes `events` with publishMany (`inflight` calls of `batch` at once) as fast as it goes. */
export async function measureThroughput(
  options: PhaseOptions,
  events: number,
  batch: number,
  inflight: number,
): Promise<ThroughputFigures> {
  return withGroups(options, async ({ bus, consumers }) => {
    let published = 0;
    let handled = 0;
    const started = performance.now();
    const timer = setInterval(
      () =>
        options.progress(
          `  throughput: ${published} published, ${handled} handled by all 3 groups`,
        ),
      1_000,
    );
    const lane = async () => {
      while (published < events) {
        const n = Math.min(batch, events - published);
        const base = published;
        published += n;
        await bus.publishMany(Array.from({ length: n }, (_, k) => ringing(base + k)));
      }
    };
    await Promise.all(Array.from({ length: inflight }, lane));
    const publishedAt = performance.now();
    while ((handled = await minHandled(consumers)) < events) await sleep(10);
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    return {
      events,
      seconds: round(seconds),
      eventsPerSec: Math.round(events / seconds),
      deliveriesPerSec: Math.round((events * GROUPS.length) / seconds),
      publishPerSec: Math.round(events / ((publishedAt - started) / 1000)),
    };
  });
}

/** Single publish() calls paced at `rate`/s; latency = publish call -> handled, per group. */
export async function measureLatency(
  options: PhaseOptions,
  rate: number,
  seconds: number,
): Promise<LatencyFigures> {
  return withGroups(options, async ({ bus, consumers }) => {
    const total = Math.round(rate * seconds);
    await bus.publish('call.ringing', {
      tenantId: 'bench',
      callId: 'warm-up',
      data: { earlyMedia: false },
    });
    await sleep(200);
    await consumers.reset();
    let handled = 0;
    const timer = setInterval(
      () => options.progress(`  latency: ${handled} of ${total} handled by all 3 groups`),
      1_000,
    );
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait >= 1) await sleep(wait);
      pending.push(bus.publish('call.ringing', ringing(i, true) as never));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - started) / 1000;
    while ((handled = await minHandled(consumers)) < total) await sleep(20);
    clearInterval(timer);
    const samples = Float64Array.from((await consumers.stats()).flatMap((s) => s.samples));
    const sorted = samples.sort();
    return {
      rate,
      events: total,
      achievedRate: Math.round(total / elapsed),
      p50Ms: round(percentile(sorted, 50)),
      p90Ms: round(percentile(sorted, 90)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1] ?? NaN),
    };
  });
}
