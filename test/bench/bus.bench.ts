// `npm run bench -- bus [--json] [--events N] [--rate R] [--seconds S] [--batch B]`
// Publishes events to three consumer groups and reports (1) end-to-end events/s, every event
// handled by all three groups, and (2) publish->handled latency percentiles at a paced rate.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createEventBus, type EventBus, type PublishRequest } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { uniquePrefix } from '../support/redis';

const GROUPS = ['bench-a', 'bench-b', 'bench-c'] as const;

interface Args {
  json: boolean;
  events: number;
  rate: number;
  seconds: number;
  batch: number;
  inflight: number;
  linger: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    const raw = i >= 0 ? Number(argv[i + 1]) : NaN;
    return Number.isFinite(raw) && raw > 0 ? raw : fallback;
  };
  return {
    json: argv.includes('--json'),
    events: value('--events', 60_000),
    rate: value('--rate', 2_000),
    seconds: value('--seconds', 5),
    batch: value('--batch', 200),
    inflight: value('--inflight', 8),
    linger: argv.includes('--linger') ? Number(argv[argv.indexOf('--linger') + 1]) : undefined,
  };
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const progress = (args: Args, msg: string) => {
  if (args.json) process.stderr.write(`${msg}\n`);
  else console.log(msg);
};

const request = (i: number): PublishRequest => ({
  name: 'call.ringing',
  tenantId: 'bench',
  callId: `call-${i >> 4}`,
  seq: i & 15,
  data: { earlyMedia: false },
});

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Subscribes the three groups; `onHandled(eventId)` is called once per group per event. */
async function subscribeGroups(bus: EventBus, onHandled: (eventId: string) => void) {
  for (const group of GROUPS) {
    await bus.subscribe(group, ['call.ringing'], async (event) => onHandled(event.eventId), {
      concurrency: 64,
    });
  }
}

export interface ThroughputFigures {
  events: number;
  seconds: number;
  eventsPerSec: number;
  deliveriesPerSec: number;
  publishPerSec: number;
}

async function throughput(args: Args): Promise<ThroughputFigures> {
  const prefix = uniquePrefix('bench');
  const logger = createLogger('bench', 'warn');
  const bus = createEventBus({ redisUrl, prefix, source: 'bench', logger });
  const counts = new Map<string, number>();
  let fullyHandled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await subscribeGroups(bus, (id) => {
    const n = (counts.get(id) ?? 0) + 1;
    if (n === GROUPS.length) {
      counts.delete(id);
      if (++fullyHandled === args.events) done();
    } else counts.set(id, n);
  });
  const started = performance.now();
  let published = 0;
  let publishedAt = 0;
  const timer = setInterval(
    () => progress(args, `  throughput: ${published} published, ${fullyHandled} handled by all`),
    1_000,
  );
  const publishLoop = async () => {
    while (published < args.events) {
      const n = Math.min(args.batch, args.events - published);
      const base = published;
      published += n;
      await bus.publishMany(Array.from({ length: n }, (_, k) => request(base + k)));
    }
  };
  await Promise.all(Array.from({ length: args.inflight }, publishLoop));
  publishedAt = performance.now();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  await bus.close();
  return {
    events: args.events,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSec: Math.round(args.events / seconds),
    deliveriesPerSec: Math.round((args.events * GROUPS.length) / seconds),
    publishPerSec: Math.round(args.events / ((publishedAt - started) / 1000)),
  };
}

export interface LatencyFigures {
  rate: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  achievedRate: number;
}

async function latency(args: Args): Promise<LatencyFigures> {
  const prefix = uniquePrefix('bench');
  const logger = createLogger('bench', 'warn');
  const bus = createEventBus({ redisUrl, prefix, source: 'bench', logger, lingerMs: args.linger });
  const total = Math.round(args.rate * args.seconds);
  const sentAt = new Map<string, number>();
  const samples = new Float64Array(total * GROUPS.length);
  let n = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await subscribeGroups(bus, (id) => {
    const t0 = sentAt.get(id);
    if (t0 !== undefined) samples[n++] = performance.now() - t0;
    if (n === samples.length) done();
  });
  // Warm-up: queues, scripts and connections ready before measuring.
  await bus.publish('call.ringing', {
    tenantId: 'bench',
    callId: 'warm',
    data: { earlyMedia: false },
  });
  const started = performance.now();
  const timer = setInterval(
    () => progress(args, `  latency: ${(n / GROUPS.length) | 0} of ${total} handled`),
    1_000,
  );
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / args.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const eventId = randomUUID();
    sentAt.set(eventId, performance.now());
    pending.push(
      bus.publish('call.ringing', {
        tenantId: 'bench',
        callId: `lat-${i >> 4}`,
        seq: i & 15,
        data: { earlyMedia: false },
        eventId,
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await finished;
  clearInterval(timer);
  await bus.close();
  const sorted = samples.slice(0, n).sort();
  return {
    rate: args.rate,
    events: total,
    p50Ms: Math.round(percentile(sorted, 50) * 100) / 100,
    p99Ms: Math.round(percentile(sorted, 99) * 100) / 100,
    maxMs: Math.round((sorted[sorted.length - 1] ?? NaN) * 100) / 100,
    achievedRate: Math.round(total / elapsed),
  };
}

/**
 * Slot for webhook deliveries/s (libs/webhooks), added to this bench later by the lead.
 * Returns null until then; when it returns figures, they are printed and included in --json.
 */
export async function benchWebhookDeliveries(_args: {
  json: boolean;
}): Promise<Record<string, number> | null> {
  return null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  progress(
    args,
    `bus bench: ${args.events} events to ${GROUPS.length} groups, then ${args.rate}/s for ${args.seconds} s`,
  );
  const tp = await throughput(args);
  const lat = await latency(args);
  const webhooks = await benchWebhookDeliveries(args);
  const result = {
    eventsPerSec: tp.eventsPerSec,
    deliveriesPerSec: tp.deliveriesPerSec,
    publishPerSec: tp.publishPerSec,
    throughputEvents: tp.events,
    rate: lat.rate,
    achievedRate: lat.achievedRate,
    p50Ms: lat.p50Ms,
    p99Ms: lat.p99Ms,
    maxMs: lat.maxMs,
    ...(webhooks ? { webhooks } : {}),
  };
  if (args.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log('\nthroughput (publishMany, three groups)');
  console.table({
    events: tp.events,
    seconds: tp.seconds,
    'published/s': tp.publishPerSec,
    'events/s (handled by all 3)': tp.eventsPerSec,
    'deliveries/s': tp.deliveriesPerSec,
  });
  console.log(`latency publish -> handled at ${lat.rate} events/s`);
  console.table({
    events: lat.events,
    'achieved/s': lat.achievedRate,
    'p50 ms': lat.p50Ms,
    'p99 ms': lat.p99Ms,
    'max ms': lat.maxMs,
  });
  if (webhooks) {
    console.log('webhooks');
    console.table(webhooks);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
