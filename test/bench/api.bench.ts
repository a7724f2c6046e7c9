// `npm run bench -- api [--json] [--seconds S] [--concurrency C] [--pglite-only]`
// Control-plane API throughput and latency over real HTTP (keep-alive), on PGlite and PostgreSQL:
// reads (one object, a page of 50), and writes (POST, PATCH; each one transaction, one
// config.changed on the bus, one access-log line).
import { Agent, request } from 'undici';
import { startTestApi } from '../support/api';
import type { Backend } from '../support/database';
import { benchCli, runBench } from './bench-cli';

const { argv, json, num, log } = benchCli();

interface Result {
  backend: Backend;
  scenario: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const pct = (sorted: number[], p: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 100) / 100;

async function run(
  backend: Backend,
  scenario: string,
  seconds: number,
  concurrency: number,
  call: (i: number) => Promise<number>,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const t0 = performance.now();
        const status = await call(next++);
        latencies.push(performance.now() - t0);
        if (status >= 400) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    backend,
    scenario,
    requestsPerSec: Math.round(latencies.length / elapsed),
    p50Ms: pct(latencies, 0.5),
    p99Ms: pct(latencies, 0.99),
    errors,
  };
}

async function benchBackend(backend: Backend, seconds: number, concurrency: number) {
  const api = await startTestApi(backend, { DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'warn' });
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  try {
    const key = await api.createTenant('bench');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => {
      const res = await request(`${api.url}${path}`, {
        method,
        headers,
        dispatcher,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await res.body.dump();
      return res.statusCode;
    };
    const site = (i: number) => ({ name: `site ${i}`, kind: 'branch', country: 'DE' });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await request(`${api.url}/v1/sites`, {
        method: 'POST',
        headers,
        dispatcher,
        body: JSON.stringify(site(i)),
      });
      ids.push(((await res.body.json()) as { id: string }).id);
    }
    const results: Result[] = [];
    log(`api bench: ${backend}`);
    results.push(
      await run(backend, 'GET one', seconds, concurrency, (i) =>
        call('GET', `/v1/sites/${ids[i % ids.length]}`),
      ),
    );
    results.push(
      await run(backend, 'GET page of 50', seconds, concurrency, () =>
        call('GET', '/v1/sites?limit=50'),
      ),
    );
    results.push(
      await run(backend, 'POST', seconds, concurrency, (i) =>
        call('POST', '/v1/skills', { name: `skill ${i}` }),
      ),
    );
    results.push(
      await run(backend, 'PATCH', seconds, concurrency, (i) =>
        call('PATCH', `/v1/sites/${ids[i % ids.length]}`, { name: `renamed ${i}` }),
      ),
    );
    return results;
  } finally {
    await dispatcher.close();
    await api.close();
  }
}

async function main() {
  const seconds = num('--seconds', 5);
  const concurrency = num('--concurrency', 16);
  const backends: Backend[] = argv.includes('--pglite-only') ? ['pglite'] : ['pglite', 'postgres'];
  const results: Result[] = [];
  for (const backend of backends)
    results.push(...(await benchBackend(backend, seconds, concurrency)));
  if (json) {
    process.stdout.write(`${JSON.stringify({ api: results })}\n`);
    return;
  }
  console.table(
    results.map((r) => ({
      backend: r.backend,
      scenario: r.scenario,
      'req/s': r.requestsPerSec,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      errors: r.errors,
    })),
  );
}

runBench(main);
