// One routing replica of the routing bench, in its own process (as replicas run): builds the
// bench tenant from the seed, runs the routing runtime, and reports its enqueue→offer latencies,
// offers and decisions to the bench over IPC. Environment: REDIS_URL, PREFIX, TENANT, WORLD (json).
import { Redis } from 'ioredis';
import { createEventBus } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { RoutingRuntime } from '@ccx/routing-engine';
import { buildWorld, type WorldSize } from './routing-bench-world';

export interface ReplicaReport {
  type: 'report';
  latenciesMs: number[];
  offers: number;
  decisions: number;
  cpuSeconds: number;
}

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

async function main() {
  const redisUrl = env('REDIS_URL');
  const prefix = env('PREFIX');
  const tenantId = env('TENANT');
  const world = JSON.parse(env('WORLD')) as WorldSize;
  const logger = createLogger('routing-bench', process.env['LOG_LEVEL'] ?? 'warn');
  const bus = createEventBus({ redisUrl, prefix, source: 'routing', logger });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const runtime = new RoutingRuntime({
    redis,
    subscriber,
    bus,
    prefix,
    busPrefix: prefix,
    log: logger,
    concurrency: 64,
    // Decisions come from arrivals and agent changes; the periodic queue run is for max wait.
    queueTickMs: 1_000,
    statsPushMs: 5_000,
  });
  runtime.setTenant(tenantId, buildWorld(world));
  const latencies: number[] = [];
  let offers = 0;
  runtime.router.observer = (_offer, ms) => {
    offers++;
    if (ms !== undefined) latencies.push(ms);
  };
  await runtime.start();
  const cpuStart = process.cpuUsage();
  process.on('message', (msg: { type?: string }) => {
    if (msg.type === 'report') {
      const cpu = process.cpuUsage(cpuStart);
      const report: ReplicaReport = {
        type: 'report',
        latenciesMs: latencies,
        offers,
        decisions: runtime.router.dispatcher.decisions,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
      process.send?.(report);
    }
    if (msg.type === 'stop') {
      void runtime
        .stop()
        .then(() => bus.close())
        .then(() => Promise.all([redis.quit(), subscriber.quit()]))
        .finally(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready' });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
