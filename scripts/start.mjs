#!/usr/bin/env node
// `npm start`: runs every service on this machine, one process each (the same entry points as
// production), with the embedded database unless DATABASE_URL is set, seeds a demo tenant and
// prints where everything listens. Ctrl-C stops everything. `npm start -- --logs` streams all logs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, ensureDependencies, ensureRedis, root } from './lib/prereqs.mjs';
import { seedDemoTenant } from './lib/seed.mjs';
import { writeDemoPrompt } from './lib/demo-prompt.mjs';

const streamLogs = process.argv.includes('--logs');
ensureDependencies();
build();

const dataDir = process.env.CCX_DATA_DIR ?? join(root, '.data');
const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

// Development secrets: generated once, kept in .data so restarts keep the same keys.
const secretsFile = join(dataDir, 'dev-secrets.json');
if (!existsSync(secretsFile)) {
  writeFileSync(
    secretsFile,
    JSON.stringify(
      {
        ADMIN_API_KEY: `ccx_admin_${randomBytes(24).toString('base64url')}`,
        MASTER_KEY: randomBytes(32).toString('base64url'),
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
}
const secrets = JSON.parse(readFileSync(secretsFile, 'utf8'));

const env = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  REDIS_URL: await ensureRedis(),
  ADMIN_API_KEY: process.env.ADMIN_API_KEY ?? secrets.ADMIN_API_KEY,
  MASTER_KEY: process.env.MASTER_KEY ?? secrets.MASTER_KEY,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? 'true',
  MEDIA_PROMPT_DIR: process.env.MEDIA_PROMPT_DIR ?? join(dataDir, 'prompts'),
  MEDIA_RECORDING_DIR: process.env.MEDIA_RECORDING_DIR ?? join(dataDir, 'recordings'),
};
writeDemoPrompt(env.MEDIA_PROMPT_DIR);

const require = createRequire(import.meta.url);
let embedded;
if (!process.env.DATABASE_URL) {
  const { startEmbeddedPostgres } = require(join(root, 'dist/libs/persistence/src/embedded.js'));
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pglite'), port });
  env.DATABASE_URL = embedded.url;
}

// Migrations run once, before any service reads the database (the API also applies them at boot,
// under the same advisory lock, for deployments without this launcher).
{
  const { connectDatabase, runMigrations } = require(
    join(root, 'dist/libs/persistence/src/database.js'),
  );
  const handle = connectDatabase(env.DATABASE_URL, 1);
  try {
    await runMigrations(handle);
  } catch (err) {
    console.error(
      `Could not migrate the database at ${embedded ? 'the embedded PGlite' : 'DATABASE_URL'}: ${err.message}`,
    );
    process.exit(1);
  } finally {
    await handle.close();
  }
}

const services = [
  { name: 'api', port: Number(env.API_HTTP_PORT ?? 3000), portVar: 'API_HTTP_PORT' },
  { name: 'sbc', port: Number(env.SBC_HTTP_PORT ?? 3010), portVar: 'SBC_HTTP_PORT' },
  { name: 'media-worker', port: Number(env.MEDIA_HTTP_PORT ?? 3020), portVar: 'MEDIA_HTTP_PORT' },
  { name: 'routing', port: Number(env.ROUTING_HTTP_PORT ?? 3030), portVar: 'ROUTING_HTTP_PORT' },
  { name: 'presence', port: Number(env.PRESENCE_HTTP_PORT ?? 3040), portVar: 'PRESENCE_HTTP_PORT' },
];

const children = new Map();
let stopping = false;

function launch(svc) {
  const entry = join(root, 'dist', 'apps', svc.name, 'src', 'main.js');
  const log = createWriteStream(join(logDir, `${svc.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { ...env, [svc.portVar]: String(svc.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = (chunk) => {
    log.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      let level = 'info';
      try {
        level = JSON.parse(line).level ?? 'info';
      } catch {
        level = 'error';
      }
      if (streamLogs || ['warn', 'error', 'fatal'].includes(level))
        console.log(`[${svc.name}] ${line}`);
    }
  };
  child.stdout.on('data', onLine);
  child.stderr.on('data', onLine);
  child.on('exit', (code, signal) => {
    children.delete(svc.name);
    if (!stopping) {
      console.error(
        `${svc.name} exited (${signal ?? code}); see ${join(logDir, svc.name + '.log')}. Stopping everything.`,
      );
      stop(1);
    }
  });
  children.set(svc.name, child);
}

async function waitHealthy(svc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return false;
    try {
      const res = await fetch(`http://127.0.0.1:${svc.port}/health`);
      if (res.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping services…');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  if (embedded) await embedded.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

console.log('Starting services…');
for (const svc of services) launch(svc);
for (const svc of services) {
  process.stdout.write(`  ${svc.name.padEnd(13)} `);
  const ok = await waitHealthy(svc);
  if (stopping) await new Promise(() => {}); // stop() is exiting the process
  console.log(ok ? `healthy on http://127.0.0.1:${svc.port}` : 'NOT healthy');
  if (!ok) {
    console.error(
      `${svc.name} did not become healthy; its log is ${join(logDir, svc.name + '.log')}.`,
    );
    await stop(1);
  }
}

const api = `http://127.0.0.1:${services[0].port}`;
const demo = await seedDemoTenant({
  api,
  adminKey: env.ADMIN_API_KEY,
  stateFile: join(dataDir, 'demo-tenant.json'),
});

console.log(`
ccx is running.

  Control-plane API   ${api}           OpenAPI: ${api}/docs
${services.map((s) => `  ${s.name.padEnd(18)}  http://127.0.0.1:${s.port}/health   /metrics`).join('\n')}
  Redis               ${env.REDIS_URL}
  PostgreSQL          ${embedded ? `${env.DATABASE_URL}  (embedded PGlite, data in ${join(dataDir, 'pglite')})` : '(DATABASE_URL)'}
  SIP (sbc)           ${env.SBC_SIP_LISTEN ?? 'udp:127.0.0.1:5060'}   status: http://127.0.0.1:${services[1].port}/sip/status
  Media               RTP ports ${env.MEDIA_PORT_MIN ?? 30000}-${env.MEDIA_PORT_MAX ?? 39999} on ${env.MEDIA_RTP_BIND ?? '127.0.0.1'}; prompts in ${env.MEDIA_PROMPT_DIR} (beep.wav); recordings in ${env.MEDIA_RECORDING_DIR}
  Logs                ${logDir}/<service>.log${streamLogs ? '' : '   (npm start -- --logs to stream them)'}

  Operator key        ${env.ADMIN_API_KEY}
  Demo tenant         ${demo.tenantId}   API key: ${demo.apiKey}
  Try                 curl -H "Authorization: Bearer ${demo.apiKey}" ${api}/v1/trunks
                      CCX_API_URL=${api} CCX_API_KEY=${demo.apiKey} npx ccx trunks list

Press Ctrl-C to stop.`);
