// `npm run bench -- presence [--json] [--tenants 100] [--users 1000] [--rate 2000] [--seconds 10]`
// Presence sync for --tenants tenants of --users Teams users each, against the Microsoft 365
// emulator running in a child process (it signs, encrypts and delivers like Graph). This process
// is the presence service: the real PresenceRuntime with the real Graph client, an HTTPS
// notification endpoint, and presence.changed published on the bus (BullMQ on REDIS_URL) to a
// consumer group. It reports the initial sync (time, Graph requests against the minimum of
// ceil(users/650) per tenant for reads and as many subscriptions) and, while the emulator changes
// presence at --rate per second, the latency from a notification's arrival to its
// presence.changed being acknowledged by the bus (p50/p99), and how many arrived.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { teamsAvailability } from '@ccx/contracts';
import { createEventBus } from '@ccx/event-bus';
import {
  createGraphClient,
  entraJwks,
  GraphPresenceApi,
  GraphThrottle,
  httpAgent,
} from '@ccx/graph';
import { createLogger } from '@ccx/observability';
import { PresenceRuntime, type ConnectedTenant } from '@ccx/presence-sync';
import { Redis } from 'ioredis';
import { encryptionCertificate, startReceiver } from '../support/presence-world';
import { benchCli, runBench } from './bench-cli';
import { killChildrenOnExit, track } from './media-bench-procs';
import type { ConsumedReply, EmulatorRequest, SetupReply } from './presence-bench-emulator';

/** A full GC, so heap figures are live data, not garbage waiting for collection. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

interface Counts {
  http: number;
  byEndpoint: Record<string, number>;
  throttled: number;
}

async function main() {
  const cli = benchCli();
  const log = cli.log;
  const tenantCount = cli.num('--tenants', 100);
  const users = cli.num('--users', 1_000);
  const rate = cli.num('--rate', 2_000);
  const seconds = cli.num('--seconds', 10);
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `ccxbench-presence-${randomBytes(3).toString('hex')}`;
  killChildrenOnExit();
  log(
    `presence bench: ${tenantCount} tenants × ${users} users = ${tenantCount * users} users, notifications at ${rate}/s for ${seconds} s`,
  );

  const receiver = await startReceiver({ keep: false });
  const child = track(
    fork(join(__dirname, 'presence-bench-emulator.js'), [], { stdio: 'inherit' }),
  );
  const replies: ((m: unknown) => void)[] = [];
  child.on('message', (m) => replies.shift()?.(m));
  const ask = <T>(req: EmulatorRequest) =>
    new Promise<T>((resolve) => {
      replies.push((m) => resolve(m as T));
      child.send(req);
    });
  await new Promise<void>((r) => child.once('message', () => r()));
  log('emulator: building the directory...');
  const world = await ask<SetupReply>({
    type: 'setup',
    tenants: tenantCount,
    usersPerTenant: users,
    receiverCaPem: receiver.caPem,
    redisUrl,
    prefix,
  });

  const agent = httpAgent({ extraCaPem: world.caPem, timeoutMs: 30_000 });
  const throttle = new GraphThrottle({ ratePerSecond: 5, burst: 20 });
  const connections: ConnectedTenant[] = world.tenants.map((t, i) => {
    const client = createGraphClient({
      agent,
      graphUrl: world.url,
      accessToken: () => Promise.resolve(t.token),
    });
    const api = new GraphPresenceApi(client, throttle, `bench-${i}`);
    return {
      tenantId: `bench-${i}`,
      entraTenantId: t.id,
      appId: world.appId,
      graph: api,
      writeBack: api,
    };
  });
  const tracked = new Map(connections.map((c, i) => [c.tenantId, world.tenants[i]?.userIds ?? []]));

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const bus = createEventBus({
    redisUrl,
    prefix,
    source: 'presence',
    logger: createLogger('bench', 'warn'),
  });

  const arrivals = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  receiver.onArrival = (body) => {
    if (!measuring) return;
    const now = performance.now();
    const items = (body as { value?: { resourceData?: { id?: string } }[] } | undefined)?.value;
    for (const item of items ?? []) {
      const id = item.resourceData?.id;
      if (id) arrivals.set(id, now);
    }
  };
  const problems = new Map<string, number>();
  const runtime = new PresenceRuntime({
    connections: () => Promise.resolve(connections),
    trackedUsers: (tenantId) => Promise.resolve(tracked.get(tenantId) ?? []),
    publish: async (tenantId, update) => {
      await bus.publish('presence.changed', {
        tenantId,
        data: {
          userId: update.userId,
          availability: teamsAvailability.parse(update.availability),
          activity: update.activity,
          source: update.source,
          ...(update.sequence ? { sequence: update.sequence } : {}),
        },
      });
      const arrived = arrivals.get(update.userId);
      if (measuring && arrived !== undefined && update.source === 'notification') {
        latencies.push(performance.now() - arrived);
        arrivals.delete(update.userId);
      }
    },
    publicUrl: receiver.url,
    encryption: encryptionCertificate(),
    clientStateKey: 'presence-bench-key-0123456789',
    jwks: entraJwks(agent, world.url),
    authority: world.url,
    onProblem: (message) => problems.set(message, (problems.get(message) ?? 0) + 1),
  });
  receiver.sink.current = runtime;

  // Initial sync: subscriptions (with their handshakes) and one read of everyone.
  await ask({ type: 'reset-counts' });
  log('initial sync...');
  const syncStarted = performance.now();
  await runtime.refresh();
  const syncMs = performance.now() - syncStarted;
  const afterSync = await ask<{ counts: Counts; heapMb: number }>({ type: 'counts' });
  const sync = afterSync.counts;
  const heapMb = () => {
    collectGarbage();
    return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  };
  const liveHeapMb = heapMb();
  log(`live heap after initial sync: presence ${liveHeapMb} MB, emulator ${afterSync.heapMb} MB`);
  const minimum = tenantCount * Math.ceil(users / 650);
  const reads = sync.byEndpoint['POST /communications/getPresencesByUserId'] ?? 0;
  const subscribes = sync.byEndpoint['POST /subscriptions'] ?? 0;
  const stats = [...runtime.stats().values()];
  const subscribed = stats.reduce((n, s) => n + s.subscribedUsers, 0);
  log(
    `initial sync: ${round(syncMs / 1000)} s, ${reads} reads, ${subscribes} subscriptions, ${subscribed} users subscribed`,
  );

  // Steady state: notifications at the rate.
  await new Promise((r) => setTimeout(r, 500));
  measuring = true;
  const cpuBefore = process.cpuUsage();
  log(`notifications at ${rate}/s for ${seconds} s...`);
  const progress = setInterval(() => log(`  ${latencies.length} presence.changed so far`), 2_000);
  const loaded = await ask<{ made: number }>({ type: 'load', rate, seconds });
  await receiver.idle();
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(progress);
  measuring = false;
  // presence.changed reaches the consumer shortly after it is published.
  let seen: ConsumedReply | undefined;
  for (let i = 0; i < 50; i++) {
    seen = await ask<ConsumedReply>({ type: 'consumed' });
    if (seen.endToEnd.length >= latencies.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const endToEnd = [...(seen?.endToEnd ?? [])].sort((a, b) => a - b);
  const afterLoad = await ask<{ heapMb: number }>({ type: 'counts' });
  log(`heap after load: presence ${heapMb()} MB, emulator ${afterLoad.heapMb} MB`);
  latencies.sort((a, b) => a - b);
  const result = {
    tenants: tenantCount,
    users: tenantCount * users,
    initialSyncSeconds: round(syncMs / 1000),
    initialSyncRequests: reads + subscribes,
    initialSyncReads: reads,
    initialSyncSubscriptions: subscribes,
    initialSyncHttpRequests: sync.http,
    minimumReads: minimum,
    minimumSubscriptions: minimum,
    subscribedUsers: subscribed,
    presenceLiveHeapMb: liveHeapMb,
    rate,
    changesMade: loaded.made,
    presenceChanged: latencies.length,
    notificationToPublishedP50Ms: round(percentile(latencies, 50)),
    notificationToPublishedP99Ms: round(percentile(latencies, 99)),
    notificationToPublishedMaxMs: round(latencies[latencies.length - 1] ?? 0),
    presenceCpuMsPerNotification: round(
      (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
      3,
    ),
    changeToConsumedP50Ms: round(percentile(endToEnd, 50)),
    changeToConsumedP99Ms: round(percentile(endToEnd, 99)),
    consumed: seen?.consumed ?? 0,
    problems: Object.fromEntries(problems),
  };
  log('');
  log('| figure | value |');
  log('| --- | --- |');
  log(`| users (tenants) | ${result.users} (${tenantCount}) |`);
  log(`| initial sync | ${result.initialSyncSeconds} s |`);
  log(`| initial sync reads / minimum | ${reads} / ${minimum} |`);
  log(`| initial sync subscriptions / minimum | ${subscribes} / ${minimum} |`);
  log(`| initial sync HTTPS requests (reads in $batch) | ${sync.http} |`);
  log(`| live heap of the presence side after sync | ${liveHeapMb} MB |`);
  log(`| changes made at ${rate}/s | ${loaded.made} |`);
  log(`| presence.changed published from notifications | ${latencies.length} |`);
  log(`| notification → presence.changed p50 | ${result.notificationToPublishedP50Ms} ms |`);
  log(`| notification → presence.changed p99 | ${result.notificationToPublishedP99Ms} ms |`);
  log(`| max | ${result.notificationToPublishedMaxMs} ms |`);
  log(`| presence service CPU per notification | ${result.presenceCpuMsPerNotification} ms |`);
  log(`| Teams change → presence.changed consumed p50 | ${result.changeToConsumedP50Ms} ms |`);
  log(`| Teams change → presence.changed consumed p99 | ${result.changeToConsumedP99Ms} ms |`);
  if (problems.size > 0) log(`problems: ${JSON.stringify(result.problems)}`);
  if (cli.json) console.log(JSON.stringify(result));

  await runtime.close().catch(() => undefined);
  child.send({ type: 'stop' } satisfies EmulatorRequest);
  await bus.close();
  for (const pattern of [`${prefix}:*`, `${prefix}*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  await redis.quit();
  await receiver.close();
  await agent.close();
}

runBench(main);
