// `npm run bench -- bus [--json] [--mode in-process|process-per-group] [--only throughput|latency]
//   [--events N] [--batch B] [--inflight I] [--rate R] [--seconds S] [--linger MS] [--concurrency C]`
// Publishes events to three consumer groups on the Redis of REDIS_URL and reports, for each way of
// running the consumers (all in the bench process; one child process per group, as services run):
//   (1) end-to-end events/s: publishMany as fast as it goes, every event handled by all 3 groups;
//   (2) publish -> handled latency percentiles of single publish() calls paced at --rate (2,000/s).
// --json prints one object: top-level figures are those of the in-process mode, `modes` has both.
import {
  GROUPS,
  measureLatency,
  measureThroughput,
  type LatencyFigures,
  type PhaseOptions,
  type ThroughputFigures,
} from './bus-bench-phases';
import { benchWebhookDeliveries } from './webhook-delivery';
import { benchCli, runBench } from './bench-cli';

const MODES = ['in-process', 'process-per-group'] as const;
type Mode = (typeof MODES)[number];

interface Args {
  json: boolean;
  /** Progress lines (stderr under --json). */
  log(line: string): void;
  modes: Mode[];
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
  const { text: raw, num, json, log } = benchCli(argv);
  const mode = raw('--mode');
  const linger = raw('--linger');
  return {
    json,
    log,
    modes: MODES.filter((m) => mode === undefined || m === mode),
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
 * Signed webhook deliveries/s through the bus to a local receiver (libs/webhooks), on
 * PostgreSQL and on the embedded PGlite. See webhook-delivery.ts and `npm run bench -- webhooks`.
 */
async function benchWebhooks(context: { redisUrl: string; progress(message: string): void }) {
  const figures: Record<string, Record<string, number | string>> = {};
  for (const backend of ['postgres', 'pglite'] as const) {
    context.progress(`webhook deliveries through the bus on ${backend}`);
    const r = await benchWebhookDeliveries({
      redisUrl: context.redisUrl,
      backend,
      via: 'bus',
      log: context.progress,
    });
    figures[backend] = {
      'deliveries/s': r.deliveriesPerSec,
      delivered: r.delivered,
      [`p50 ms @${r.latencyRate}/s`]: r.p50Ms,
      [`p99 ms @${r.latencyRate}/s`]: r.p99Ms,
      verified: r.verified,
    };
  }
  return figures;
}

interface ModeFigures {
  throughput?: ThroughputFigures;
  latency?: LatencyFigures;
}

function printTables(args: Args, results: Map<Mode, ModeFigures>) {
  const column = (pick: (f: ModeFigures) => number | undefined) =>
    Object.fromEntries([...results].map(([mode, f]) => [mode, pick(f) ?? '-']));
  if (args.only !== 'latency') {
    console.log(
      `\nthroughput: ${args.events} events, publishMany of ${args.batch}, ${args.inflight} calls in flight, 3 groups`,
    );
    console.table({
      'events/s handled by all 3 groups': column((f) => f.throughput?.eventsPerSec),
      'deliveries/s (event x group)': column((f) => f.throughput?.deliveriesPerSec),
      'published/s': column((f) => f.throughput?.publishPerSec),
      'publisher CPU %': column((f) => f.throughput?.publisherCpuPct),
      'consumers CPU % (child processes)': column((f) => f.throughput?.consumersCpuPct),
      'redis CPU %': column((f) => f.throughput?.redisCpuPct),
    });
  }
  if (args.only !== 'throughput') {
    console.log(
      `\nlatency publish -> handled: single publish() calls paced at ${args.rate}/s for ${args.seconds} s`,
    );
    console.table({
      'achieved events/s': column((f) => f.latency?.achievedRate),
      'p50 ms': column((f) => f.latency?.p50Ms),
      'p90 ms': column((f) => f.latency?.p90Ms),
      'p99 ms': column((f) => f.latency?.p99Ms),
      'max ms': column((f) => f.latency?.maxMs),
      'publisher CPU %': column((f) => f.latency?.publisherCpuPct),
      'consumers CPU % (child processes)': column((f) => f.latency?.consumersCpuPct),
      'redis CPU %': column((f) => f.latency?.redisCpuPct),
    });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const progress = args.log;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  progress(`bus bench: ${GROUPS.length} consumer groups, Redis ${redisUrl}`);
  const results = new Map<Mode, ModeFigures>();
  for (const mode of args.modes) {
    const options: PhaseOptions = {
      redisUrl,
      concurrency: args.concurrency,
      lingerMs: args.linger,
      inProcess: mode === 'in-process',
      progress,
    };
    progress(`mode ${mode}`);
    const figures: ModeFigures = {};
    if (args.only !== 'latency')
      figures.throughput = await measureThroughput(options, args.events, args.batch, args.inflight);
    if (args.only !== 'throughput')
      figures.latency = await measureLatency(options, args.rate, args.seconds);
    results.set(mode, figures);
  }
  const webhooks = args.only ? null : await benchWebhooks({ redisUrl, progress });

  if (args.json) {
    const main = results.get('in-process') ?? [...results.values()][0] ?? {};
    console.log(
      JSON.stringify({
        ...(main.throughput && {
          eventsPerSec: main.throughput.eventsPerSec,
          deliveriesPerSec: main.throughput.deliveriesPerSec,
        }),
        ...(main.latency && {
          rate: main.latency.rate,
          p50Ms: main.latency.p50Ms,
          p99Ms: main.latency.p99Ms,
        }),
        ...(webhooks && {
          webhookDeliveriesPerSec: webhooks['postgres']?.['deliveries/s'],
          webhookDeliveriesPerSecPglite: webhooks['pglite']?.['deliveries/s'],
        }),
        modes: Object.fromEntries(results),
        ...(webhooks && { webhooks }),
      }),
    );
    return;
  }
  printTables(args, results);
  if (webhooks) {
    console.log('\nwebhook deliveries through the bus (signed, to a local receiver)');
    console.table(webhooks);
  }
}

runBench(main);
