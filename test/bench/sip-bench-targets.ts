// What the SIP bench puts between the SIPp client and server: the SBC (media over the bus on
// separate media worker processes, or embedded) or Kamailio as a transaction-stateful proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { track } from './media-bench-procs';
import { rssBytes, sipStatus, sleep, treeRssBytes } from './sip-bench-sipp';

export interface Target {
  name: string;
  sipPort: number;
  /** The process whose CPU and RSS are the figures (Kamailio: with its forked workers). */
  pid: number;
  httpPort?: number;
  /** Media worker processes (bus mode), reported beside the SBC. */
  mediaPids: number[];
  rss(): number;
  stop(): Promise<void>;
}

export interface TargetOptions {
  root: string;
  redisUrl: string;
  busPrefix: string;
  portBase: number;
  /** Concurrent calls the media must hold. */
  calls: number;
  nodeArgs: string[];
  log: (line: string) => void;
}

// The process may open 20,000 files (ulimit -n, hard); a media session holds 4 UDP sockets.
export const SESSIONS_PER_WORKER = 4500;
const MEDIA_PORTS = { min: 20_000, max: 59_999 };

function stopChild(child: ChildProcess, ms = 8000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(t);
      done();
    });
    child.kill('SIGTERM');
  });
}

function node(o: TargetOptions, main: string, env: Record<string, string>, args: string[] = []) {
  const child = track(
    spawn(process.execPath, [...o.nodeArgs, join(o.root, main), ...args], {
      cwd: o.root,
      env: { ...process.env, REDIS_URL: o.redisUrl, BUS_PREFIX: o.busPrefix, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  child.once('exit', (code, signal) => {
    if (code && code !== 0 && signal === null) o.log(`${main} exited ${code}: ${err}`);
  });
  return child;
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${ms} ms`);
}

export async function startSbc(
  o: TargetOptions,
  media: 'bus' | 'embedded',
  config: string,
): Promise<Target> {
  const sipPort = o.portBase;
  const httpPort = o.portBase + 3;
  const workers: ChildProcess[] = [];
  if (media === 'bus') {
    const count = Math.max(1, Math.ceil(o.calls / SESSIONS_PER_WORKER));
    const span = Math.floor((MEDIA_PORTS.max - MEDIA_PORTS.min + 1) / count);
    for (let i = 0; i < count; i++) {
      const min = MEDIA_PORTS.min + i * span;
      workers.push(
        node({ ...o, nodeArgs: [] }, 'dist/apps/media-worker/src/main.js', {
          LOG_LEVEL: 'warn',
          MEDIA_HTTP_PORT: String(o.portBase + 10 + i),
          MEDIA_RTP_BIND: '127.0.0.1',
          MEDIA_PORT_MIN: String(min),
          MEDIA_PORT_MAX: String(min + span - 1),
          MEDIA_MAX_SESSIONS: String(Math.min(SESSIONS_PER_WORKER, Math.floor(span / 4))),
          MEDIA_IO: 'auto',
        }),
      );
    }
  }
  const sbc = node(
    o,
    'dist/apps/sbc/src/main.js',
    {
      LOG_LEVEL: 'warn',
      SBC_SIP_LISTEN: `udp:127.0.0.1:${sipPort}`,
      SBC_HTTP_PORT: String(httpPort),
      SBC_MEDIA: media,
      SBC_EVENTS: 'true',
      SBC_RTP_BIND: '127.0.0.1',
      SBC_RTP_PORT_MIN: String(MEDIA_PORTS.min),
      SBC_RTP_PORT_MAX: String(MEDIA_PORTS.max),
    },
    ['--config', config],
  );
  const stop = async () => {
    await stopChild(sbc);
    await Promise.all(workers.map((w) => stopChild(w)));
  };
  try {
    await until('sbc', 30_000, async () => (await sipStatus(httpPort)) !== undefined);
    if (workers.length > 0) {
      await until('media workers', 30_000, async () => {
        const res = await fetch(`http://127.0.0.1:${httpPort}/media/workers`).catch(() => null);
        const body = res?.ok ? ((await res.json()) as { workers: unknown[] }) : { workers: [] };
        return body.workers.length === workers.length;
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const pid = sbc.pid ?? 0;
  return {
    name: media === 'bus' ? 'ccx SBC, bus media' : 'ccx SBC, embedded media',
    sipPort,
    pid,
    httpPort,
    mediaPids: workers.map((w) => w.pid ?? 0),
    rss: () => rssBytes(pid),
    stop,
  };
}

export async function startKamailio(o: TargetOptions, uasPort: number): Promise<Target> {
  const sipPort = o.portBase + 5;
  const dir = mkdtempSync(join(tmpdir(), 'ccx-sip-bench-kam-'));
  const cfg = resolve(o.root, 'test', 'fixtures', 'kamailio', 'bench-proxy.cfg');
  const args = ['-f', cfg, '-DD', '-E', '-m', '256', '-M', '32', '-Y', dir];
  args.push('-P', join(dir, 'kamailio.pid'), '-w', dir, '-l', `udp:127.0.0.1:${sipPort}`);
  args.push('-A', `UAS_DST="sip:127.0.0.3:${uasPort}"`);
  // Its own process group, so that its forked workers go with it even on SIGKILL.
  const child = track(
    spawn('kamailio', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true }),
  );
  const group = child.pid ?? 0;
  const killGroup = () => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await until('kamailio', 10_000, async () => out.includes('udp: 127.0.0.1') || !!child.exitCode);
    if (child.exitCode !== null) throw new Error(`kamailio exited: ${out}`);
  } catch (err) {
    killGroup();
    throw err;
  }
  await sleep(500);
  const pid = child.pid ?? 0;
  return {
    name: 'Kamailio stateful proxy',
    sipPort,
    pid,
    mediaPids: [],
    rss: () => treeRssBytes(pid),
    stop: async () => {
      await stopChild(child);
      killGroup();
    },
  };
}
