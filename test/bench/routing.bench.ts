// `npm run bench -- routing [--json] [--agents 20000] [--queues 1000] [--skills 100] [--rate 1000]
//   [--seconds 10] [--replicas 2] [--ring-ms 150] [--talk-ms 3000] [--profile <dir>]`
// Routing replicas (child processes) on the Redis of REDIS_URL route calls arriving at --rate per
// second to --queues queues served by --agents agents with --skills skills. This process plays the
// SBC on the bus: it publishes call.offered, answers each sbc.connect with call.answered after
// --ring-ms and ends the call after --talk-ms. It reports enqueue→offer latency percentiles (as
// measured by the replica that queued the call), decisions/s, offers/s and double-offers: a
// connect to an agent already ringing or on a call, or a second offer of a call already offered.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createEventBus, presenceRegisterKey, type PublishRequest } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { ReservationStore } from '@ccx/routing-engine';
import { benchCli, runBench } from './bench-cli';
import { killChildrenOnExit, track } from './media-bench-procs';
import type { ReplicaReport } from './routing-bench-replica';
import { agentId, buildWorld, queueNumber, teamsUser, type WorldSize } from './routing-bench-world';

const SBC = 'bench-sbc';
const TENANT = 'bench';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const cli = benchCli();
  const log = cli.log;
  const world: WorldSize = {
    agents: cli.num('--agents', 20_000),
    queues: cli.num('--queues', 1_000),
    skills: cli.num('--skills', 100),
    seed: cli.num('--seed', 42),
  };
  const rate = cli.num('--rate', 1_000);
  const seconds = cli.num('--seconds', 10);
  const replicas = cli.num('--replicas', 2);
  const ringMs = cli.num('--ring-ms', 150);
  const talkMs = cli.num('--talk-ms', 3_000);
  const profileDir = cli.text('--profile');
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `ccxbench-routing-${randomBytes(3).toString('hex')}`;
  killChildrenOnExit();

  log(
    `routing bench: ${world.agents} agents, ${world.queues} queues, ${world.skills} skills, ${rate}/s for ${seconds} s over ${replicas} replicas`,
  );
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const bus = createEventBus({
    redisUrl,
    prefix,
    source: 'bench-sbc',
    logger: createLogger('bench', 'warn'),
  });
  const store = new ReservationStore(redis, prefix, {
    presenceKey: (t) => presenceRegisterKey(prefix, t),
  });

  // Agents signed in and Available (their Teams presence kept on the agent record).
  log('signing in agents');
  for (let i = 0; i < world.agents; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, world.agents - i) }, (_, k) =>
        store.setAgent(TENANT, agentId(i + k), {
          state: 'available',
          capacity: { voice: 1, chat: 0 },
          presence: 'Available',
          teamsUserId: teamsUser(i + k),
        }),
      ),
    );
  }

  // The SBC: rings agents, answers, hangs up; counts double-offers.
  const busyAgent = new Set<string>();
  const offeredCall = new Set<string>();
  let doubleOffers = 0;
  let connects = 0;
  let ended = 0;
  const pending = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => Promise<unknown>) => {
    const t = setTimeout(() => {
      pending.delete(t);
      void fn().catch((err: unknown) => log(`sbc: ${String(err)}`));
    }, ms);
    pending.add(t);
  };
  await bus.handleCommand(
    'sbc.connect',
    async (req) => {
      connects++;
      const number = req.target.kind === 'teams-user' ? req.target.number : '';
      if (busyAgent.has(number) || offeredCall.has(req.callId)) doubleOffers++;
      busyAgent.add(number);
      offeredCall.add(req.callId);
      later(ringMs, () =>
        bus.publish('call.answered', { tenantId: TENANT, callId: req.callId, data: {} }),
      );
      later(ringMs + talkMs * (0.5 + Math.random()), async () => {
        // The agent is free from the moment the hang-up is published.
        busyAgent.delete(number);
        ended++;
        await bus.publish('call.ended', {
          tenantId: TENANT,
          callId: req.callId,
          data: { reason: 'normal', durationMs: talkMs, q850Cause: 16 },
        });
      });
      return { accepted: true };
    },
    { target: SBC, concurrency: 64 },
  );

  log(`starting ${replicas} routing replicas`);
  const file = join(__dirname, 'routing-bench-replica.js');
  const children: ChildProcess[] = [];
  const reports: ReplicaReport[] = [];
  await Promise.all(
    Array.from({ length: replicas }, (_, i) => {
      const child = track(
        fork(file, [], {
          env: {
            ...process.env,
            REDIS_URL: redisUrl,
            PREFIX: prefix,
            TENANT,
            WORLD: JSON.stringify(world),
            INSTANCE: `r${i}`,
          },
          // Replica logs go to stderr: with --json, stdout holds the one JSON object only.
          stdio: ['ignore', 2, 2, 'ipc'],
          // --profile <dir>: a V8 CPU profile of each replica, for finding where its time goes.
          execArgv: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
        }),
      );
      children.push(child);
      child.on('message', (m: { type?: string }) => {
        if (m.type === 'report') reports.push(m as ReplicaReport);
      });
      return new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`replica ${i} exited with ${code}`)));
      });
    }),
  );
  const queueNumbers = buildWorld(world).numbers.map((n) => String(n['firstNumber']));

  log(`offering calls at ${rate}/s for ${seconds} s`);
  const tickMs = 10;
  const perTick = rate / (1000 / tickMs);
  let carry = 0;
  let offered = 0;
  const started = Date.now();
  const end = started + seconds * 1000;
  let nextTick = started;
  let nextProgress = started + 1000;
  const inflight: Promise<unknown>[] = [];
  while (Date.now() < end) {
    carry += perTick;
    const n = Math.floor(carry);
    carry -= n;
    const batch: PublishRequest[] = [];
    for (let k = 0; k < n; k++) {
      const number =
        queueNumbers[Math.floor(Math.random() * queueNumbers.length)] ?? queueNumber(0);
      batch.push({
        name: 'call.offered',
        tenantId: TENANT,
        callId: randomUUID(),
        data: {
          direction: 'inbound',
          from: { uri: 'sip:+4940111222@itsp.example', number: '+4940111222' },
          to: { uri: `sip:${number}@sbc.example`, number },
          sbcId: SBC,
        },
      });
    }
    offered += n;
    if (batch.length > 0) inflight.push(bus.publishMany(batch));
    if (Date.now() >= nextProgress) {
      log(
        `  ${Math.round((Date.now() - started) / 1000)} s: ${offered} offered, ${connects} rung, ${ended} ended`,
      );
      nextProgress += 1000;
    }
    nextTick += tickMs;
    await sleep(Math.max(0, nextTick - Date.now()));
  }
  await Promise.all(inflight);
  const elapsed = (Date.now() - started) / 1000;
  log(`waiting for calls to end (${connects}/${offered} rung)`);
  const drainUntil = Date.now() + talkMs * 2 + 10_000;
  while (Date.now() < drainUntil && (connects < offered || ended < connects)) await sleep(200);

  for (const c of children) c.send({ type: 'report' });
  const deadline = Date.now() + 10_000;
  while (reports.length < children.length && Date.now() < deadline) await sleep(50);
  const exited = children.map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null) resolve();
        c.once('exit', () => resolve());
      }),
  );
  for (const c of children) c.send({ type: 'stop' });
  // Let the replicas stop cleanly (and write their profiles), at most 15 s.
  await Promise.race([Promise.all(exited), sleep(15_000)]);

  const latencies = reports.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const decisions = reports.reduce((s, r) => s + r.decisions, 0);
  const offers = reports.reduce((s, r) => s + r.offers, 0);
  const figures = {
    agents: world.agents,
    queues: world.queues,
    skills: world.skills,
    replicas,
    ratePerSec: rate,
    seconds: round(elapsed, 1),
    interactions: offered,
    offers,
    answeredConnects: connects,
    p50EnqueueToOfferMs: round(percentile(latencies, 50), 3),
    p99EnqueueToOfferMs: round(percentile(latencies, 99), 3),
    maxEnqueueToOfferMs: round(latencies[latencies.length - 1] ?? 0, 3),
    latencySamples: latencies.length,
    decisionsPerSec: round(decisions / elapsed, 0),
    offersPerSec: round(offers / elapsed, 0),
    doubleOffers,
    replicaCpuSeconds: reports.map((r) => round(r.cpuSeconds, 1)),
    replicaOffers: reports.map((r) => r.offers),
    goalP99Ms: 5,
    goalMet: percentile(latencies, 99) < 5 && doubleOffers === 0,
  };
  for (const t of pending) clearTimeout(t);
  if (cli.json) console.log(JSON.stringify(figures));
  else {
    console.log('');
    console.log('| figure | value |');
    console.log('| --- | --- |');
    for (const [k, v] of Object.entries(figures))
      console.log(`| ${k} | ${Array.isArray(v) ? v.join(', ') : v} |`);
  }
  await bus.close();
  // The bench's tenant, interactions and bus queues (a million keys at full size) are removed,
  // so the shared Redis is left as it was found.
  log('removing the bench keys');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

runBench(main);
