// The real media worker as a child process (node dist/apps/media-worker/src/main.js), pinned to one
// core, configured through its environment as a deployment would configure it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pinned, track } from './media-bench-procs';

const root = resolve(__dirname, '..', '..', '..');
export const WORKER_ID = 'bench-mw';

export interface WorkerOptions {
  redisUrl: string;
  busPrefix: string;
  portMin: number;
  portMax: number;
  maxSessions: number;
  core: number | undefined;
  /** Extra node flags, e.g. --perf-basic-prof to see the worker's JS functions in perf(1). */
  nodeArgs?: string[];
}

export interface WorkerProcess {
  pid: number;
  httpPort: number;
  /** The worker's last output lines (warnings and errors at LOG_LEVEL=warn). */
  output: string[];
  /** Number of log lines seen at warn level or above. */
  warnings(): number;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export async function startWorker(o: WorkerOptions): Promise<WorkerProcess> {
  const httpPort = await freePort();
  const env = {
    ...process.env,
    REDIS_URL: o.redisUrl,
    BUS_PREFIX: o.busPrefix,
    INSTANCE_ID: WORKER_ID,
    MEDIA_HTTP_PORT: String(httpPort),
    MEDIA_RTP_BIND: '127.0.0.1',
    MEDIA_PORT_MIN: String(o.portMin),
    MEDIA_PORT_MAX: String(o.portMax),
    MEDIA_MAX_SESSIONS: String(o.maxSessions),
    // Sessions must not be reaped while the other calls are still being set up.
    MEDIA_IDLE_TIMEOUT_MS: '300000',
    LOG_LEVEL: 'warn',
  };
  const main = resolve(root, 'dist', 'apps', 'media-worker', 'src', 'main.js');
  const [cmd, args] = pinned(o.core, process.execPath, [...(o.nodeArgs ?? []), main]);
  const child: ChildProcessByStdio<null, Readable, Readable> = track(
    spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const output: string[] = [];
  let warnings = 0;
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      warnings++;
      output.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (output.length > 30) output.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let gone = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      gone = true;
      r();
    }),
  );

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`media worker exited at start:\n${output.join('\n')}`);
    const ok = await fetch(`http://127.0.0.1:${httpPort}/health`, {
      signal: AbortSignal.timeout(1000),
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`media worker not healthy within 30 s:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid ?? 0,
    httpPort,
    output,
    warnings: () => warnings,
    exited: () => gone,
    async stop(graceMs = 10_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
