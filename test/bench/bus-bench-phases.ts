// The measuring phases of `npm run bench -- bus` (see bus.bench.ts).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createEventBus, type EventBus, type PublishRequest } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { uniquePrefix } from '../support/redis';

export const GROUPS = ['bench-a', 'bench-b', 'bench-c'] as const;

export interface PhaseOptions {
  redisUrl: string;
  /** Jobs handled at once per group (worker concurrency). */
  concurrency: number;
  lingerMs: number | undefined;
  progress(message: string): void;
}

/** CPU used by this process and by Redis during a phase, in % of one core. */
export interface CpuFigures {
  benchCpuPct: number;
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

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_sys') + read('used_cpu_user');
}

/** A bus with three subscribed groups on a fresh prefix; removes its keys when done. */
async function withGroups<T>(
  options: PhaseOptions,
  onHandled: (eventId: string) => void,
  run: (bus: EventBus) => Promise<T>,
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
  try {
    for (const group of GROUPS) {
      await bus.subscribe(group, ['call.ringing'], async (event) => onHandled(event.eventId), {
        concurrency: options.concurrency,
      });
    }
    const cpu0 = process.cpuUsage();
    const redis0 = await redisCpuSeconds(admin);
    const t0 = performance.now();
    const result = await run(bus);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const redisCpu = (await redisCpuSeconds(admin)) - redis0;
    return {
      ...result,
      benchCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100),
      redisCpuPct: Math.round((redisCpu / wall) * 100),
    };
  } finally {
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

const ringing = (i: number, eventId?: string): PublishRequest => ({
  name: 'call.ringing',
  tenantId: 'bench',
  callId: `call-${i >> 4}`,
  seq: i & 15,
  data: { earlyMedia: false },
  ...(eventId ? { eventId } : {}),
});

/** Publishes `events` with publishMany (`inflight` batches of `batch` at once) as fast as it goes. */
export async function measureThroughput(
  options: PhaseOptions,
  events: number,
  batch: number,
  inflight: number,
): Promise<ThroughputFigures> {
  const counts = new Map<string, number>();
  let handledByAll = 0;
  let published = 0;
  let publishedAt = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onHandled = (id: string) => {
    const n = (counts.get(id) ?? 0) + 1;
    if (n < GROUPS.length) counts.set(id, n);
    else {
      counts.delete(id);
      if (++handledByAll === events) done();
    }
  };
  return withGroups(options, onHandled, async (bus) => {
    const started = performance.now();
    const timer = setInterval(
      () =>
        options.progress(
          `  throughput: ${published} published, ${handledByAll} handled by all 3 groups`,
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
    publishedAt = performance.now();
    await finished;
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

/** Publishes single events with publish() paced at `rate`/s; latency = publish call -> handled, per group. */
export async function measureLatency(
  options: PhaseOptions,
  rate: number,
  seconds: number,
): Promise<LatencyFigures> {
  const total = Math.round(rate * seconds);
  const sentAt = new Map<string, number>();
  const samples = new Float64Array(total * GROUPS.length);
  let n = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onHandled = (id: string) => {
    const t0 = sentAt.get(id);
    if (t0 === undefined) return; // warm-up
    samples[n++] = performance.now() - t0;
    if (n === samples.length) done();
  };
  return withGroups(options, onHandled, async (bus) => {
    await bus.publish('call.ringing', {
      tenantId: 'bench',
      callId: 'warm-up',
      data: { earlyMedia: false },
    });
    const timer = setInterval(
      () => options.progress(`  latency: ${Math.floor(n / GROUPS.length)} of ${total}`),
      1_000,
    );
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
      const eventId = randomUUID();
      sentAt.set(eventId, performance.now());
      pending.push(bus.publish('call.ringing', ringing(i, eventId) as never));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - started) / 1000;
    await finished;
    clearInterval(timer);
    const sorted = samples.slice(0, n).sort();
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
