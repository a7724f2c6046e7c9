// `npm run bench -- bus [--json] [--only throughput|latency] [--events N] [--batch B]
//   [--inflight I] [--rate R] [--seconds S] [--linger MS] [--concurrency C]`
// Publishes events to three consumer groups (in this process, on the Redis of REDIS_URL) and
// reports (1) end-to-end events/s, every event handled by all three groups, and (2) the
// publish -> handled latency percentiles at a paced rate of single publishes.
import { measureLatency, measureThroughput, GROUPS, type PhaseOptions } from './bus-bench-phases';

interface Args {
  json: boolean;
  only: string | undefined;
  events: number;
  batch: number;
  inflight: number;
  rate: number;
  seconds: number;
  linger: number | undefined;
  concurrency: number;
}

function parseArgs(argv: string[]): Args {
  const raw = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const num = (flag: string, fallback: number) => {
    const v = Number(raw(flag));
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  const linger = raw('--linger');
  return {
    json: argv.includes('--json'),
    only: raw('--only'),
    events: num('--events', 60_000),
    batch: num('--batch', 200),
    inflight: num('--inflight', 8),
    rate: num('--rate', 2_000),
    seconds: num('--seconds', 5),
    linger: linger === undefined ? undefined : Number(linger),
    concurrency: num('--concurrency', 16),
  };
}

/**
 * Slot for webhook deliveries/s (libs/webhooks), to be filled in by the lead: return figures
 * (e.g. `{ deliveriesPerSec }`) and they are printed as a third table and included in --json
 * under `webhooks`. Returns null until then.
 */
export async function benchWebhookDeliveries(_context: {
  redisUrl: string;
  json: boolean;
  progress(message: string): void;
}): Promise<Record<string, number> | null> {
  return null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const progress = (message: string) =>
    args.json ? process.stderr.write(`${message}\n`) : console.log(message);
  const options: PhaseOptions = {
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    concurrency: args.concurrency,
    lingerMs: args.linger,
    progress,
  };
  progress(`bus bench: ${GROUPS.length} consumer groups, Redis ${options.redisUrl}`);
  const tp =
    args.only === 'latency'
      ? undefined
      : await measureThroughput(options, args.events, args.batch, args.inflight);
  const lat =
    args.only === 'throughput' ? undefined : await measureLatency(options, args.rate, args.seconds);
  const webhooks = args.only
    ? null
    : await benchWebhookDeliveries({ redisUrl: options.redisUrl, json: args.json, progress });

  if (args.json) {
    console.log(
      JSON.stringify({
        ...(tp && {
          eventsPerSec: tp.eventsPerSec,
          deliveriesPerSec: tp.deliveriesPerSec,
          publishPerSec: tp.publishPerSec,
          throughput: tp,
        }),
        ...(lat && { rate: lat.rate, p50Ms: lat.p50Ms, p99Ms: lat.p99Ms, latency: lat }),
        ...(webhooks && { webhooks }),
      }),
    );
    return;
  }
  if (tp) {
    console.log(
      `\nthroughput: ${tp.events} events with publishMany (${args.batch} per call, ${args.inflight} calls in flight)`,
    );
    console.table({
      'events/s handled by all 3 groups': tp.eventsPerSec,
      'deliveries/s (event x group)': tp.deliveriesPerSec,
      'published/s': tp.publishPerSec,
      seconds: tp.seconds,
      'bench process CPU %': tp.benchCpuPct,
      'redis CPU %': tp.redisCpuPct,
    });
  }
  if (lat) {
    console.log(
      `\nlatency publish -> handled, single publish() calls paced at ${lat.rate}/s for ${args.seconds} s`,
    );
    console.table({
      'achieved events/s': lat.achievedRate,
      'p50 ms': lat.p50Ms,
      'p90 ms': lat.p90Ms,
      'p99 ms': lat.p99Ms,
      'max ms': lat.maxMs,
      'bench process CPU %': lat.benchCpuPct,
      'redis CPU %': lat.redisCpuPct,
    });
  }
  if (webhooks) {
    console.log('\nwebhooks');
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
