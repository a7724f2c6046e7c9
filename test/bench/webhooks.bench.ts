// `npm run bench -- webhooks [--json] [--count N] [--seconds S] [--concurrency C] [--rate R]
//   [--pglite-only]`
// Signed webhook deliveries/s to a local receiver, on PGlite and on PostgreSQL, through the bus
// and straight from the dispatcher. See webhook-delivery.ts and docs/webhooks.md.
import type { Backend } from '../support/database';
import { benchWebhookDeliveries, type WebhookBenchResult } from './webhook-delivery';
import { benchCli, runBench } from './bench-cli';

const { argv, json, num, log } = benchCli();

async function main() {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const runs: WebhookBenchResult[] = [];
  const backends: Backend[] = argv.includes('--pglite-only') ? ['pglite'] : ['pglite', 'postgres'];
  for (const backend of backends) {
    for (const via of ['bus', 'dispatcher'] as const) {
      log(`webhooks bench: ${backend}, via ${via}`);
      runs.push(
        await benchWebhookDeliveries({
          redisUrl,
          backend,
          via,
          count: num('--count', 20_000),
          durationMs: num('--seconds', 10) * 1000,
          concurrency: num('--concurrency', 128),
          latencyRate: num('--rate', 500),
          log,
        }),
      );
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ webhooks: runs })}\n`);
    return;
  }
  console.table(
    runs.map((r) => ({
      backend: r.backend,
      via: r.via,
      'deliveries/s': r.deliveriesPerSec,
      'received/s': r.receivedPerSec,
      delivered: r.delivered,
      [`p50 ms @${r.latencyRate}/s`]: r.p50Ms,
      [`p99 ms @${r.latencyRate}/s`]: r.p99Ms,
      'p50 ms saturated': r.saturatedP50Ms,
      seconds: r.seconds,
      verified: r.verified,
    })),
  );
}

runBench(main);
