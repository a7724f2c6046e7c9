// SIPp runs and process readings for `npm run bench -- sip`: the built-in uac/uas scenarios with
// their statistics CSV, the CPU and RSS of a process and its descendants, the SBC's /sip/status.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds, track } from './media-bench-procs';

export interface SippStats {
  created: number;
  successful: number;
  failed: number;
  retransmissions: number;
  outOfCall: number;
  /** Mean time to the 200 of the INVITE, ms. */
  responseMs: number;
}

export interface SippRun {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The last row SIPp dumped (every second and at its end). */
  stats(): SippStats;
  stop(): Promise<number | null>;
}

const emptyStats: SippStats = {
  created: 0,
  successful: 0,
  failed: 0,
  retransmissions: 0,
  outOfCall: 0,
  responseMs: 0,
};

/** `HH:MM:SS:uuuuuu` (SIPp's duration format) → ms. */
function durationMs(text: string): number {
  const [h = 0, m = 0, s = 0, us = 0] = text.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1000 + us / 1000;
}

export function readSippCsv(file: string): SippStats {
  if (!existsSync(file)) return emptyStats;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const head = (lines[0] ?? '').split(';');
  const last = (lines.at(-1) ?? '').split(';');
  if (lines.length < 2) return emptyStats;
  const col = (name: string) => last[head.indexOf(name)] ?? '0';
  return {
    created: Number(col('TotalCallCreated')),
    successful: Number(col('SuccessfulCall(C)')),
    failed: Number(col('FailedCall(C)')),
    retransmissions: Number(col('Retransmissions(C)')),
    outOfCall: Number(col('OutOfCallMsgs(C)')),
    responseMs: durationMs(col('ResponseTime1(C)')),
  };
}

export interface SippOptions {
  role: 'uac' | 'uas';
  bind: string;
  port: number;
  csv: string;
  /** uac only */
  target?: string;
  rate?: number;
  calls?: number;
  limit?: number;
  durationMs?: number;
  timeoutS?: number;
}

export function startSipp(o: SippOptions): SippRun {
  const args = ['-sn', o.role, '-i', o.bind, '-p', String(o.port), '-t', 'u1', '-nostdin'];
  args.push('-trace_stat', '-fd', '1', '-stf', o.csv, '-buff_size', '4194304');
  if (o.role === 'uas') args.push('-aa'); // answers the SBC's OPTIONS pings
  if (o.role === 'uac') {
    args.push('-s', '+4930100001', '-r', String(o.rate ?? 10), '-rp', '1000');
    args.push('-m', String(o.calls ?? 1), '-d', String(o.durationMs ?? 0));
    if (o.limit) args.push('-l', String(o.limit));
    if (o.timeoutS) args.push('-timeout', `${o.timeoutS}s`);
    args.push(o.target ?? '127.0.0.1:5060');
  }
  const child = track(spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  // SIPp's -timeout does not end a run with a call stuck in it: the bench bounds it too.
  const watchdog = o.timeoutS
    ? setTimeout(() => child.kill('SIGKILL'), (o.timeoutS + 5) * 1000)
    : undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(watchdog);
      if (code !== 0 && code !== 1 && err) process.stderr.write(`sipp ${o.role}: ${err}\n`);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    stats: () => readSippCsv(o.csv),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** pid and all its descendants (Kamailio forks its workers). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone between listing and reading
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i] ?? -1) ?? []));
  return out;
}

export function treeCpuSeconds(pid: number): number {
  let sum = 0;
  for (const p of processTree(pid)) {
    try {
      sum += processCpuSeconds(p);
    } catch {
      // exited
    }
  }
  return sum;
}

/** VmRSS of a process (bytes). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** Resident set of a process tree; Kamailio's shared memory is counted once per process. */
export function treeRssBytes(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    try {
      return sum + rssBytes(p);
    } catch {
      return sum;
    }
  }, 0);
}

export interface SipStatus {
  calls: number;
  dialogs: number;
  transactions: { client: number; server: number };
}

export async function sipStatus(httpPort: number): Promise<SipStatus | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/sip/status`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.ok ? ((await res.json()) as SipStatus) : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
