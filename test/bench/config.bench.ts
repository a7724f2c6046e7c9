// `npm run bench -- config [--json] [--changes N]`
// How long a configuration change takes to reach a running service: PATCH a trunk through the
// real API, then wait until the real SBC app's live configuration shows the new value. Runs on
// PGlite and on PostgreSQL (TEST_POSTGRES_URL). Goal: well under a second.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServiceContext } from '@ccx/service-kit';
import { SbcAppModule } from '../../apps/sbc/src/app.module';
import { loadSbcConfig } from '../../apps/sbc/src/config';
import { startTestApi } from '../support/api';
import type { Backend } from '../support/database';
import { benchCli, runBench } from './bench-cli';

const { json, num, log } = benchCli();
const changes = num('--changes', 100);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;

async function measure(backend: Backend) {
  const api = await startTestApi(backend);
  let sbc: INestApplication | undefined;
  try {
    const key = await api.createTenant('bench');
    const config = loadSbcConfig({
      LOG_LEVEL: 'silent',
      REDIS_URL: api.config.REDIS_URL,
      BUS_PREFIX: api.config.BUS_PREFIX,
      DATABASE_URL: api.db.url,
    });
    sbc = await NestFactory.create(
      SbcAppModule.forRoot(createServiceContext('sbc', 'silent'), config),
      { logger: false },
    );
    await sbc.listen(0, '127.0.0.1');
    const sbcUrl = `http://127.0.0.1:${(sbc.getHttpServer().address() as { port: number }).port}`;
    const created = await api
      .http()
      .post('/v1/trunks')
      .set('authorization', `Bearer ${key}`)
      .send({
        name: 'bench',
        kind: 'itsp',
        host: '192.0.2.1',
        port: 5060,
        transport: 'udp',
        maxChannels: 1,
        codecs: ['PCMA'],
      });
    const id = (created.body as { id: string }).id;

    const seen = async () => {
      const body = (await (await fetch(`${sbcUrl}/live-config/bench/trunk`)).json()) as {
        items: { maxChannels: number }[];
      };
      return body.items[0]?.maxChannels;
    };
    const samples: number[] = [];
    for (let i = 0; i < changes; i++) {
      const value = i + 2;
      const started = performance.now();
      const res = await api
        .http()
        .patch(`/v1/trunks/${id}`)
        .set('authorization', `Bearer ${key}`)
        .send({ maxChannels: value });
      if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
      const deadline = started + 10_000;
      while ((await seen()) !== value) {
        if (performance.now() > deadline) throw new Error(`change ${i} not picked up within 10 s`);
      }
      samples.push(performance.now() - started);
      if ((i + 1) % 25 === 0) log(`  ${backend}: ${i + 1}/${changes} changes`);
    }
    samples.sort((a, b) => a - b);
    return {
      backend,
      changes,
      p50Ms: round(quantile(samples, 0.5)),
      p99Ms: round(quantile(samples, 0.99)),
      maxMs: round(samples[samples.length - 1] ?? NaN),
    };
  } finally {
    await sbc?.close();
    await api.close();
  }
}

async function main() {
  const results = [];
  for (const backend of ['pglite', 'postgres'] as const) {
    log(`config bench: ${backend}, ${changes} changes (PATCH on the API -> visible in the SBC)`);
    results.push(await measure(backend));
  }
  if (json) process.stdout.write(`${JSON.stringify({ configPickup: results })}\n`);
  else
    console.table(
      results.map((r) => ({
        backend: r.backend,
        changes: r.changes,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'max ms': r.maxMs,
      })),
    );
}

runBench(main);
