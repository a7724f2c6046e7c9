// Webhook deliveries/s end to end: events published on the bus (or handed straight to the
// dispatcher) -> webhook_deliveries rows -> BullMQ delivery jobs -> signed POSTs over keep-alive
// connections to a receiver on 127.0.0.1 (in a worker thread, so it does not share our event
// loop) -> attempts recorded. Called by the bus bench and by `npm run bench -- webhooks`.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { AnyEvent } from '@ccx/contracts';
import { createEventBus, type PublishRequest } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { connectDatabase, runMigrations, tenants, webhookSubscriptions } from '@ccx/persistence';
import { SecretBox } from '@ccx/security';
import {
  defaultWebhookSettings,
  encodeSecretSet,
  generateWebhookSecret,
  WebhookRuntime,
} from '@ccx/webhooks';
import { openTestDatabase, type Backend } from '../support/database';
import { uniquePrefix } from '../support/redis';

export interface WebhookBenchOptions {
  redisUrl: string;
  /** Stop publishing after this long (default 10 s); what was published is still waited for. */
  durationMs?: number;
  /** Events to deliver (default 20,000); one subscription, so one delivery per event. */
  count?: number;
  /** Database: embedded PGlite (default) or a fresh database on $TEST_POSTGRES_URL's server. */
  backend?: Backend;
  /** Entry point: the real bus (default) or the dispatcher directly (isolates webhook cost). */
  via?: 'bus' | 'dispatcher';
  /** Parallel requests of the delivery worker (default 128). */
  concurrency?: number;
  /** Paced phase for latency: events/s (default 500) for `latencySeconds` (default 3). */
  latencyRate?: number;
  latencySeconds?: number;
  /** Progress lines go here (stderr in --json mode). */
  log?: (line: string) => void;
}

export interface WebhookBenchResult {
  /** Deliveries received by the endpoint AND recorded as succeeded, per second. */
  deliveriesPerSec: number;
  /** Deliveries received by the endpoint per second (recording may still trail). */
  receivedPerSec: number;
  delivered: number;
  /** Event occurredAt -> received by the endpoint, at the paced `latencyRate`. */
  p50Ms: number;
  p99Ms: number;
  latencyRate: number;
  /** The same during the throughput phase: mostly time spent queued behind the backlog. */
  saturatedP50Ms: number;
  saturatedP99Ms: number;
  seconds: number;
  backend: Backend;
  via: 'bus' | 'dispatcher';
  /** Sampled receiver-side Standard Webhooks verifications that passed / were tried. */
  verified: string;
}

const RECEIVER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
let Webhook = null;
try { Webhook = require(workerData.standardwebhooks).Webhook; } catch {}
const verifier = Webhook ? new Webhook(workerData.secret) : null;
let count = 0, target = Infinity, tried = 0, ok = 0;
const lat = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const now = Date.now();
    const payload = JSON.parse(body);
    lat.push(now - Date.parse(payload.timestamp));
    if (verifier && count % 97 === 0) {
      tried++;
      try { verifier.verify(body, req.headers); ok++; } catch {}
    }
    res.writeHead(200, { 'content-length': '0' }).end();
    if (++count === target) parentPort.postMessage({ done: true });
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m.expect !== undefined) { target = m.expect; if (count >= target) parentPort.postMessage({ done: true }); }
  if (m.stats) parentPort.postMessage({ stats: { count, lat, tried, ok } });
  if (m.reset) { lat.length = 0; }
  if (m.close) server.close(() => process.exit(0));
});
`;

// PGlite runs in its own thread, as it runs in its own process under `npm start` (the
// launcher hosts it; the api connects over the wire protocol).
const PGLITE = `
const { parentPort, workerData } = require('node:worker_threads');
const { startEmbeddedPostgres } = require(workerData.module);
startEmbeddedPostgres().then((pg) => {
  parentPort.postMessage({ url: pg.url });
  parentPort.on('message', async (m) => { if (m.stop) { await pg.stop(); process.exit(0); } });
});
`;

interface BenchDatabase {
  url: string;
  destroy(): Promise<void>;
}

async function openBenchDatabase(backend: Backend): Promise<BenchDatabase> {
  const compiled = join(__dirname, '..', '..', 'libs', 'persistence', 'src', 'embedded.js');
  if (backend === 'postgres' || !existsSync(compiled)) return openTestDatabase(backend);
  const worker = new Worker(PGLITE, { eval: true, workerData: { module: compiled } });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url: string }) => resolve(m.url));
    worker.once('error', reject);
  });
  const handle = connectDatabase(url, 2);
  await runMigrations(handle);
  await handle.close();
  return {
    url,
    async destroy() {
      worker.postMessage({ stop: true });
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

interface ReceiverStats {
  count: number;
  lat: number[];
  tried: number;
  ok: number;
}

function startReceiver(secret: string) {
  const worker = new Worker(RECEIVER, {
    eval: true,
    workerData: { secret, standardwebhooks: require.resolve('standardwebhooks') },
  });
  const next = <T>(pick: (m: Record<string, unknown>) => T | undefined) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        const v = pick(m);
        if (v !== undefined) {
          worker.off('message', on);
          resolve(v);
        }
      };
      worker.on('message', on);
    });
  return {
    port: next((m) => m['port'] as number | undefined),
    expect(n: number) {
      const done = next((m) => (m['done'] ? true : undefined));
      worker.postMessage({ expect: n });
      return done;
    },
    resetLatencies() {
      worker.postMessage({ reset: true });
    },
    stats() {
      const s = next((m) => m['stats'] as ReceiverStats | undefined);
      worker.postMessage({ stats: true });
      return s;
    },
    async close() {
      worker.postMessage({ close: true });
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

export async function benchWebhookDeliveries(
  opts: WebhookBenchOptions,
): Promise<WebhookBenchResult> {
  const backend = opts.backend ?? 'pglite';
  const via = opts.via ?? 'bus';
  const count = opts.count ?? 20_000;
  const durationMs = opts.durationMs ?? 10_000;
  const log = opts.log ?? (() => undefined);
  const logger = createLogger('webhook-bench', 'warn');

  const testDb = await openBenchDatabase(backend);
  const db = connectDatabase(testDb.url, 16);
  const prefix = uniquePrefix('whbench');
  const bus = createEventBus({ redisUrl: opts.redisUrl, prefix, source: 'bench', logger });
  const secret = generateWebhookSecret();
  const receiver = startReceiver(secret);
  const port = await receiver.port;
  const box = new SecretBox('webhook-bench-master-key');
  const tenantId = 'bench-wh';
  await db.db.insert(tenants).values({ id: tenantId, name: 'bench' });
  await db.db.insert(webhookSubscriptions).values({
    tenantId,
    url: `http://127.0.0.1:${port}/hook`,
    eventTypes: ['call.ringing'],
    secretCiphertext: box.seal(encodeSecretSet({ current: secret })),
  });
  const runtime = new WebhookRuntime({
    db: db.db,
    box,
    bus,
    logger,
    settings: defaultWebhookSettings({
      allowPrivateTargets: true,
      concurrency: opts.concurrency ?? 128,
    }),
    connection: { redisUrl: opts.redisUrl, prefix, name: 'webhook-bench' },
    dispatch: via === 'bus',
  });
  await runtime.start();

  const event = (i: number): AnyEvent => ({
    eventId: randomUUID(),
    name: 'call.ringing',
    version: 1,
    tenantId,
    occurredAt: new Date().toISOString(),
    source: 'bench',
    callId: `call-${i >> 4}`,
    seq: i & 15,
    data: { earlyMedia: false },
  });
  const request = (i: number): PublishRequest => ({
    name: 'call.ringing',
    tenantId,
    callId: `call-${i >> 4}`,
    seq: i & 15,
    data: { earlyMedia: false },
  });

  const started = performance.now();
  const deadline = started + durationMs;
  let published = 0;
  const timer = setInterval(() => {
    void receiver
      .stats()
      .then((s) => log(`  webhooks: ${published} published, ${s.count} delivered`));
  }, 1_000);
  const batch = 100;
  const loop = async () => {
    while (published < count && performance.now() < deadline) {
      const n = Math.min(batch, count - published);
      const base = published;
      published += n;
      if (via === 'bus') {
        await bus.publishMany(Array.from({ length: n }, (_, k) => request(base + k)));
      } else {
        await Promise.all(
          Array.from({ length: n }, (_, k) => runtime.dispatcher.handle(event(base + k))),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, loop));
  await receiver.expect(published);
  const receivedSeconds = (performance.now() - started) / 1000;
  // A delivery is done when its attempt is recorded too: wait for the log to catch up, so the
  // rate is one the whole path sustains (and the latency phase starts with no backlog).
  for (;;) {
    const { rows } = await db.pool.query<{ n: string }>(
      "select count(*) as n from webhook_deliveries where status <> 'succeeded'",
    );
    if (rows[0]?.n === '0') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  const stats = await receiver.stats();
  const saturated = [...stats.lat].sort((a, b) => a - b);

  // Latency at a sustainable rate, one event at a time.
  const rate = opts.latencyRate ?? 500;
  const paced = Math.round(rate * (opts.latencySeconds ?? 3));
  receiver.resetLatencies();
  const pacedStart = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < paced; i++) {
    const wait = pacedStart + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sends.push(
      via === 'bus'
        ? bus.publish('call.ringing', { tenantId, callId: `lat-${i}`, data: { earlyMedia: false } })
        : runtime.dispatcher.handle(event(i)),
    );
  }
  await Promise.all(sends);
  await receiver.expect(published + paced);
  const latency = (await receiver.stats()).lat.sort((a, b) => a - b);

  await runtime.close();
  await bus.close();
  await receiver.close();
  await db.close();
  await testDb.destroy();
  return {
    deliveriesPerSec: Math.round(stats.count / seconds),
    delivered: stats.count,
    p50Ms: pct(latency, 50),
    p99Ms: pct(latency, 99),
    latencyRate: rate,
    saturatedP50Ms: pct(saturated, 50),
    saturatedP99Ms: pct(saturated, 99),
    seconds: Math.round(seconds * 100) / 100,
    receivedPerSec: Math.round(stats.count / receivedSeconds),
    backend,
    via,
    verified: `${stats.ok}/${stats.tried}`,
  };
}
