// Prerequisites shared by `npm start`, `npm test` and `npm run bench`: dependencies installed,
// sources built, a Redis to talk to. Plain Node (no dependencies) so it runs on a fresh clone.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies (npm ci)…');
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error('npm ci failed; see the output above.');
    process.exit(1);
  }
}

export function build() {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}

export function redisPing(url, timeoutMs = 1000) {
  const u = new URL(url);
  return new Promise((resolvePing) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) =>
      done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')),
    );
  });
}

function hasBinary(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * Returns a Redis URL: REDIS_URL if set, else 127.0.0.1:6379 if it answers, else a private
 * redis-server started on `fallbackPort` (stopped when this process exits).
 */
export async function ensureRedis(fallbackPort = 6390) {
  if (process.env.REDIS_URL) {
    if (await redisPing(process.env.REDIS_URL)) return process.env.REDIS_URL;
    throw new Error(`REDIS_URL=${process.env.REDIS_URL} does not answer PING.`);
  }
  const local = 'redis://127.0.0.1:6379';
  if (await redisPing(local)) return local;
  if (!hasBinary('redis-server')) {
    console.error(
      'Redis is needed and none answers on 127.0.0.1:6379: install it (apt-get install redis-server) or set REDIS_URL.',
    );
    process.exit(1);
  }
  const dir = join(root, '.data', 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(fallbackPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  process.on('exit', () => child.kill('SIGTERM'));
  const url = `redis://127.0.0.1:${fallbackPort}`;
  for (let i = 0; i < 50; i++) {
    if (await redisPing(url)) {
      console.log(`Started a private redis-server on ${url} (nothing answered on 6379).`);
      return url;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('a private redis-server did not start');
}

export function postgresReachable(url) {
  const u = new URL(url);
  return new Promise((resolveReach) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 5432) });
    socket.setTimeout(1000, () => (socket.destroy(), resolveReach(false)));
    socket.on('error', () => resolveReach(false));
    socket.on('connect', () => (socket.destroy(), resolveReach(true)));
  });
}
