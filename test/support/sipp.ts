// SIPp as a real SIP peer for e2e tests and the benchmark.
//
//   const uas = await startSipp({ scenario: 'uas-answer.xml', local: { host: '127.0.0.1', port: 35101 },
//     transport: 'u1', calls: 1, timeoutMs: 20_000 });
//   const uac = await startSipp({ scenario: 'uac-call.xml', local: { host: '127.0.0.1', port: 35102 },
//     remote: '127.0.0.1:5060', service: '+4989123', caller: '+493012345', calls: 1, timeoutMs: 20_000 });
//   const r = await uac.done; // { successful, failed, exitCode, stats, output() }
//
// SIPp runs in the foreground with -nostdin, bounded by -m (calls) and -timeout (timeoutMs, a
// timeout is a failure), so every run ends by itself; kill() is for runs that loop (OPTIONS
// responder). Statistics come from the -trace_stat CSV (last row), errors from -trace_err; both
// live in a temporary working directory that is removed after the run unless `keepWorkdir`.
// Scenarios are in test/fixtures/sipp/ (see the comment at the top of each) and use the keys
// [caller] (From user), [callee_host] (Request-URI/To host[:port]) and [refer_to] (uac-refer.xml, uas-teams-refer.xml);
// -s sets [service], the called user. SIPp exit codes: 0 every call succeeded, 1 some failed, 97 stopped by a command,
// 99 no call processed, 255 fatal.

import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const SIPP_FIXTURES = resolve(__dirname, '..', 'fixtures', 'sipp');

export type SippTransport = 'u1' | 'un' | 't1' | 'tn';

export interface SippOptions {
  /** A file in test/fixtures/sipp/ or an absolute path. */
  scenario: string;
  /** Where SIPp listens (-i, -p). */
  local: { host: string; port: number };
  /** host:port of the peer; UACs need it, UASs do not. */
  remote?: string;
  transport?: SippTransport;
  /** -m: calls to place (UAC) or to take (UAS) before exiting. Default 1. */
  calls?: number;
  /** -r / -rp: calls per rate period (default 1 s). */
  rate?: number;
  ratePeriodMs?: number;
  /** -l: maximum simultaneous calls. */
  limit?: number;
  /** -s: the called user, [service]. */
  service?: string;
  /** [caller]: the From user. Default +493000000001. */
  caller?: string;
  /** [callee_host]: Request-URI and To host[:port]. Default `remote` (or the local address). */
  calleeHost?: string;
  /** More -key name value pairs, available as [name] in the scenario. */
  keys?: Record<string, string>;
  /** -d: the scenario's plain <pause/> in ms (call length). Default 100. */
  pauseMs?: number;
  /** -inf: a CSV file injected as [field0], [field1]... */
  injectCsv?: string;
  /** -mp: RTP port (SIPp also binds +2). Default: a free pair. */
  mediaPort?: number;
  /** -trace_msg: keep every message in output() (slow; not for benchmarks). */
  traceMessages?: boolean;
  extraArgs?: string[];
  /** -timeout: the whole run, a timeout counts as failure. */
  timeoutMs: number;
  keepWorkdir?: boolean;
}

export interface SippResult {
  successful: number;
  failed: number;
  exitCode: number | null;
  /** The last row of the -trace_stat CSV, by column name (e.g. 'SuccessfulCall(C)'). */
  stats: Record<string, string>;
  /** stdout/stderr tail, error log and (with traceMessages) the message log. */
  output: string;
}

export interface SippHandle {
  pid: number | undefined;
  mediaPort: number;
  done: Promise<SippResult>;
  /** Stops a run early (SIGUSR1 lets SIPp dump its statistics, SIGKILL after 2 s). */
  kill(): void;
}

const bindUdp = (port: number, host: string): Promise<Socket | undefined> => {
  const s = createSocket('udp4');
  return new Promise((done) => {
    s.once('error', () => done(undefined));
    s.bind({ port, address: host, exclusive: true }, () => done(s));
  });
};
const closeUdp = (s: Socket) => new Promise<void>((r) => s.close(r));

/** A free UDP port p with p + 2 free as well (SIPp binds -mp and -mp + 2). */
export async function freeMediaPort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bindUdp(0, host);
    if (first === undefined) continue;
    const { port } = first.address();
    const second = port < 65530 ? await bindUdp(port + 2, host) : undefined;
    await closeUdp(first);
    if (second !== undefined) {
      await closeUdp(second);
      return port;
    }
  }
  throw new Error('no free UDP port pair for SIPp media');
}

/** Parses a -trace_stat CSV: the header row and the last data row, by column. */
export function parseSippStats(csv: string): Record<string, string> {
  const rows = csv.split('\n').filter((l) => l.trim() !== '');
  const head = rows[0]?.split(';') ?? [];
  const last = rows.length > 1 ? (rows[rows.length - 1] ?? '').split(';') : [];
  const out: Record<string, string> = {};
  head.forEach((name, i) => {
    if (name !== '') out[name] = last[i] ?? '';
  });
  return out;
}

const readIf = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

export async function startSipp(o: SippOptions): Promise<SippHandle> {
  const scenario = isAbsolute(o.scenario) ? o.scenario : join(SIPP_FIXTURES, o.scenario);
  const dir = mkdtempSync(join(tmpdir(), 'ccx-sipp-'));
  const mediaPort = o.mediaPort ?? (await freeMediaPort(o.local.host));
  const files = {
    stats: join(dir, 'stats.csv'),
    errors: join(dir, 'errors.log'),
    messages: join(dir, 'messages.log'),
  };
  const keys: Record<string, string> = {
    caller: o.caller ?? '+493000000001',
    callee_host: o.calleeHost ?? o.remote ?? `${o.local.host}:${o.local.port}`,
    refer_to: 'sip:+493000000002@sip.pstnhub.microsoft.com',
    ...o.keys,
  };
  const args = [
    ...['-sf', scenario, '-t', o.transport ?? 'u1', '-nostdin'],
    ...['-i', o.local.host, '-p', String(o.local.port), '-ci', o.local.host],
    ...['-mi', o.local.host, '-mp', String(mediaPort)],
    ...['-m', String(o.calls ?? 1), '-d', String(o.pauseMs ?? 100)],
    ...['-timeout', `${Math.max(1, Math.ceil(o.timeoutMs / 1000))}s`, '-timeout_error'],
    ...['-trace_stat', '-stf', files.stats, '-fd', '1'],
    ...['-trace_err', '-error_file', files.errors],
    ...(o.traceMessages === true ? ['-trace_msg', '-message_file', files.messages] : []),
    ...(o.rate !== undefined ? ['-r', String(o.rate)] : []),
    ...(o.ratePeriodMs !== undefined ? ['-rp', String(o.ratePeriodMs)] : []),
    ...(o.limit !== undefined ? ['-l', String(o.limit)] : []),
    ...(o.service !== undefined ? ['-s', o.service] : []),
    ...(o.injectCsv !== undefined ? ['-inf', o.injectCsv] : []),
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
    ...(o.extraArgs ?? []),
    ...(o.remote !== undefined ? [o.remote] : []),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // A backstop in case SIPp ignores its own -timeout (it should not).
  const backstop = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs + 10_000);
  const done = new Promise<SippResult>((done) => {
    const finish = (exitCode: number | null) => {
      clearTimeout(backstop);
      const stats = parseSippStats(readIf(files.stats));
      const output = [
        `sipp ${args.join(' ')}`,
        `exit ${exitCode}`,
        tail,
        readIf(files.errors),
        readIf(files.messages),
      ].join('\n');
      if (o.keepWorkdir !== true) rmSync(dir, { recursive: true, force: true });
      done({
        successful: Number(stats['SuccessfulCall(C)'] ?? 0),
        failed: Number(stats['FailedCall(C)'] ?? 0),
        exitCode,
        stats,
        output,
      });
    };
    child.once('exit', (code) => finish(code));
    child.once('error', (err) => {
      tail += String(err);
      finish(null);
    });
  });
  // SIPp takes a moment to bind; a peer that is not listening yet when the SBC sends it the
  // INVITE makes the first call of a test depend on retransmission timing.
  await listening(o.local, (o.transport ?? 'u1').startsWith('u') ? 'udp' : 'tcp', done);
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGUSR1');
    const hard = setTimeout(() => child.kill('SIGKILL'), 2_000);
    void done.then(() => clearTimeout(hard));
  };
  return { pid: child.pid, mediaPort, done, kill };
}

/** Waits for a run and fails with SIPp's own output (error log, screen) unless it exited 0. */
export async function sippOk(handle: SippHandle): Promise<SippResult> {
  const r = await handle.done;
  if (r.exitCode !== 0) throw new Error(`SIPp exited ${r.exitCode}:\n${r.output}`);
  return r;
}

/** The kernel's socket table entry for host:port, as /proc/net/{udp,tcp} print it (IPv4). */
const procAddress = (host: string, port: number): string =>
  host
    .split('.')
    .map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0'))
    .reverse()
    .join('') +
  ':' +
  port.toString(16).toUpperCase().padStart(4, '0');

/** Resolves once a socket is bound to `local` (UDP) or listens on it (TCP), or the run ends. */
async function listening(
  local: { host: string; port: number },
  protocol: 'udp' | 'tcp',
  ended: Promise<unknown>,
): Promise<void> {
  const want = procAddress(local.host, local.port);
  let over = false;
  void ended.then(() => (over = true));
  for (let i = 0; i < 200 && !over; i++) {
    const table = readIf(`/proc/net/${protocol}`).split('\n');
    const bound = table.some((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1] === want && (protocol === 'udp' || cols[3] === '0A');
    });
    if (bound) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether the `sipp` binary is on PATH (tests skip without it). */
export function sippInstalled(): boolean {
  return existsSync('/usr/bin/sipp') || existsSync('/usr/local/bin/sipp');
}
