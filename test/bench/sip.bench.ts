// `npm run bench -- sip [--json] [--calls 10000] [--rates 100,200,...] [--step-seconds 10]
//   [--duration-ms 200] [--ramp 300] [--hold-seconds 20] [--only bus,embedded,kamailio]
//   [--port-base 15100] [--max-minutes 12] [--sbc-node-args "<flags>"]`
// SIPp uac (127.0.0.2) → SBC B2BUA (media anchored) → SIPp uas (127.0.0.3), built-in scenarios.
// Per row: the highest calls per second with zero failed calls (steps of --rates, rate × seconds
// calls each, stopping at the first failure), the CPU it took, then --calls long calls held at once
// (on a fresh process) with the RSS and memory per dialog. The same load through Kamailio (tm,
// t_relay) is the ceiling.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { benchCli, runBench } from './bench-cli';
import { killChildren, killChildrenOnExit } from './media-bench-procs';
import {
  rssBytes,
  sipStatus,
  sleep,
  startSipp,
  treeCpuSeconds,
  type SippStats,
} from './sip-bench-sipp';
import { startKamailio, startSbc, type Target, type TargetOptions } from './sip-bench-targets';

const { argv, json, text, num, log } = benchCli();
const root = resolve(__dirname, '..', '..', '..');
const rates = (text('--rates') ?? '100,200,400,600,800,1000,1200,1500,2000').split(',').map(Number);
const stepSeconds = num('--step-seconds', 10);
const durationMs = Number(text('--duration-ms') ?? 200);
const calls = num('--calls', 10_000);
const ramp = num('--ramp', 300);
const holdSeconds = num('--hold-seconds', 20);
const only = (text('--only') ?? 'bus,embedded,kamailio').split(',');
const portBase = num('--port-base', 15_100);
const ports = { uac: portBase + 1, uas: portBase + 2 };
const GiB = 1024 ** 3;
const progress = (line: string) => process.stderr.write(`${line}\n`);

interface Step {
  rate: number;
  pass: boolean;
  cores: number;
  mediaCores: number;
  wall: number;
  code: number | null;
  uac: SippStats;
  uas: SippStats;
}
interface Hold {
  held: number;
  dialogs?: number;
  rssIdle: number;
  rssAtN: number;
  mediaRss: number;
  bytesPerDialog?: number;
  bytesPerCall: number;
  failed: number;
}
interface Row {
  name: string;
  maxCps: number;
  cores: number;
  mediaCores: number;
  cpsPerCore: number;
  steps: Step[];
  hold?: Hold;
}

let seq = 0;
const csv = (dir: string, what: string) => join(dir, `${what}-${++seq}.csv`);

async function runStep(t: Target, dir: string, rate: number): Promise<Step> {
  const m = rate * stepSeconds;
  const uas = startSipp({ role: 'uas', bind: '127.0.0.3', port: ports.uas, csv: csv(dir, 'uas') });
  await sleep(300);
  const cpu0 = treeCpuSeconds(t.pid);
  const media0 = mediaCpu(t);
  const t0 = Date.now();
  const uac = startSipp({
    role: 'uac',
    bind: '127.0.0.2',
    port: ports.uac,
    csv: csv(dir, 'uac'),
    target: `127.0.0.1:${t.sipPort}`,
    rate,
    calls: m,
    durationMs,
    timeoutS: stepSeconds + 30,
  });
  const code = await uac.exited;
  const wall = (Date.now() - t0) / 1000;
  const cores = (treeCpuSeconds(t.pid) - cpu0) / wall;
  const mediaCores = (mediaCpu(t) - media0) / wall;
  await sleep(1200); // the uas dumps its counters every second
  const uacStats = uac.stats();
  const uasStats = uas.stats();
  await uas.stop();
  const sustained = wall <= stepSeconds + durationMs / 1000 + 5;
  const pass =
    code === 0 &&
    uacStats.successful === m &&
    uacStats.failed === 0 &&
    uasStats.created >= m && // its calls end 4 s after the BYE (the scenario's final pause)
    uasStats.failed === 0 &&
    sustained;
  progress(
    `  ${t.name} ${rate} cps: ${pass ? 'pass' : 'FAIL'}  ok ${uacStats.successful}/${m}` +
      ` failed ${uacStats.failed} uas ${uasStats.created} retrans ${uacStats.retransmissions}` +
      ` setup ${uacStats.responseMs.toFixed(0)} ms  ${wall.toFixed(1)} s  cpu ${cores.toFixed(2)}` +
      `${t.mediaPids.length ? ` (+${mediaCores.toFixed(2)} media)` : ''}  sipp exit ${code}`,
  );
  return { rate, pass, cores, mediaCores, wall, code, uac: uacStats, uas: uasStats };
}

const mediaCpu = (t: Target) => t.mediaPids.reduce((s, p) => s + treeCpuSeconds(p), 0);

async function settle(t: Target): Promise<void> {
  if (!t.httpPort) {
    await sleep(2000);
    return;
  }
  for (let i = 0; i < 40; i++) {
    const s = await sipStatus(t.httpPort);
    if (s && s.calls === 0) return;
    await sleep(500);
  }
  progress(`  ${t.name}: calls still up after 20 s`);
}

async function hold(t: Target, dir: string): Promise<Hold> {
  const mediaRss = () => t.mediaPids.reduce((s, p) => s + rssOf(p), 0);
  const uas = startSipp({ role: 'uas', bind: '127.0.0.3', port: ports.uas, csv: csv(dir, 'uas') });
  await sleep(300);
  const rssIdle = t.rss();
  const rampS = calls / ramp;
  const uac = startSipp({
    role: 'uac',
    bind: '127.0.0.2',
    port: ports.uac,
    csv: csv(dir, 'uac'),
    target: `127.0.0.1:${t.sipPort}`,
    rate: ramp,
    calls,
    limit: calls,
    durationMs: Math.round((rampS + holdSeconds) * 1000),
    timeoutS: Math.ceil(2 * rampS + holdSeconds + 60),
  });
  const end = Date.now() + (rampS + holdSeconds - 2) * 1000;
  let held = 0;
  let dialogs: number | undefined;
  let rssAtN = rssIdle;
  let media = 0;
  while (Date.now() < end && uac.child.exitCode === null) {
    await sleep(1000);
    const s = t.httpPort ? await sipStatus(t.httpPort) : undefined;
    const st = uac.stats();
    const now = s ? s.calls : st.created - st.successful - st.failed;
    if (now >= held) {
      held = now;
      dialogs = s?.dialogs;
      rssAtN = t.rss();
      media = mediaRss();
    }
    progress(`  ${t.name} hold: ${now} calls${s ? `, ${s.dialogs} dialogs` : ''}`);
    if (held >= calls && Date.now() < end - 3000) {
      await sleep(2000); // steady: read again once everything is set up
      rssAtN = t.rss();
      media = mediaRss();
      break;
    }
  }
  progress(`  ${t.name}: ending the calls`);
  await uac.exited;
  const failed = uac.stats().failed;
  await sleep(1200);
  await uas.stop();
  const grown = Math.max(0, rssAtN - rssIdle);
  return {
    held,
    dialogs,
    rssIdle,
    rssAtN,
    mediaRss: media,
    bytesPerDialog: dialogs ? grown / dialogs : undefined,
    bytesPerCall: held ? grown / held : 0,
    failed,
  };
}

function rssOf(pid: number): number {
  try {
    return rssBytes(pid);
  } catch {
    return 0;
  }
}

/**
 * CPS steps on `t`, then the concurrent-call hold on a fresh target from `restart()`: after the
 * steps the heap has grown and is not given back, so an RSS baseline taken then would hide what
 * the held calls cost.
 */
async function measure(first: Target, dir: string, restart: () => Promise<Target>): Promise<Row> {
  let t = first;
  progress(`${t.name}: calls per second (${stepSeconds} s steps, ${durationMs} ms calls)`);
  const steps: Step[] = [];
  for (const rate of rates) {
    const step = await runStep(t, dir, rate);
    steps.push(step);
    await settle(t);
    if (!step.pass) break;
  }
  const best = steps.filter((s) => s.pass).at(-1);
  progress(
    `${t.name}: ${calls} concurrent calls, ramp ${ramp} cps, held ${holdSeconds} s (fresh process)`,
  );
  await t.stop();
  t = await restart();
  const h = await hold(t, dir);
  await settle(t);
  await t.stop();
  return {
    name: t.name,
    maxCps: best?.rate ?? 0,
    cores: best?.cores ?? 0,
    mediaCores: best?.mediaCores ?? 0,
    cpsPerCore: best && best.cores > 0 ? Math.round(best.rate / best.cores) : 0,
    steps,
    hold: h,
  };
}

const mib = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MiB`;
const kib = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024).toFixed(1)} KiB`);

function table(rows: Row[]): void {
  const head = [
    '',
    'max CPS (0 failed)',
    'CPU (cores)',
    'CPS/core',
    'calls held',
    'RSS',
    'per dialog',
    'per call',
  ];
  const lines = rows.map((r) => [
    r.name,
    String(r.maxCps),
    `${r.cores.toFixed(2)}${r.mediaCores ? ` (+${r.mediaCores.toFixed(2)} media)` : ''}`,
    String(r.cpsPerCore),
    `${r.hold?.held ?? 0}/${calls}`,
    `${mib(r.hold?.rssAtN ?? 0)}${r.hold?.mediaRss ? ` (+${mib(r.hold.mediaRss)} media)` : ''}`,
    kib(r.hold?.bytesPerDialog),
    kib(r.hold?.bytesPerCall),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  log(fmt(head));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) log(fmt(l));
}

async function cleanRedis(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await r.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

function writeConfig(dir: string): string {
  // ping: false: SIPp's built-in scenarios would count each OPTIONS keep-alive as a failed call.
  const trunk = (id: string, kind: string, host: string, port: number) =>
    `      - { id: ${id}, name: ${id}, kind: ${kind}, host: ${host}, address: ${host}, port: ${port}, transport: udp, maxChannels: 100000, ping: false }`;
  const yaml = [
    'unknownSources: reject',
    'rateLimit: { perSourcePerSecond: 100000, burst: 100000 }',
    'tenants:',
    '  - id: bench',
    '    name: Bench',
    '    trunks:',
    trunk('itsp', 'itsp', '127.0.0.2', ports.uac),
    trunk('pbx', 'pbx', '127.0.0.3', ports.uas),
    '    numberRanges:',
    "      - { first: '+4930100000', last: '+4930199999', trunkId: pbx }",
    '',
  ].join('\n');
  const file = join(dir, 'sbc.yaml');
  writeFileSync(file, yaml);
  return file;
}

async function main() {
  killChildrenOnExit();
  const maxMinutes = num('--max-minutes', 12);
  setTimeout(() => {
    console.error(`sip bench: still running after ${maxMinutes} min; stopping`);
    killChildren();
    process.exit(1);
  }, maxMinutes * 60_000).unref();
  const dir = mkdtempSync(join(tmpdir(), 'ccx-sip-bench-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = writeConfig(dir);
  const nodeArgs = (text('--sbc-node-args') ?? '').split(' ').filter(Boolean);
  const rows: Row[] = [];
  for (const which of only) {
    const o: TargetOptions = {
      root,
      redisUrl,
      busPrefix: `ccxbench-sip-${randomBytes(4).toString('hex')}`,
      portBase,
      calls,
      nodeArgs,
      log: progress,
    };
    const start = () =>
      which === 'kamailio'
        ? startKamailio(o, ports.uas)
        : startSbc(o, which === 'embedded' ? 'embedded' : 'bus', config);
    let current = await start();
    try {
      rows.push(
        await measure(current, dir, async () => {
          current = await start();
          return current;
        }),
      );
    } finally {
      await current.stop();
      await cleanRedis(redisUrl, o.busPrefix).catch(() => undefined);
    }
  }
  log('');
  log(
    `SIP bench: SIPp uac → target → SIPp uas, UDP on loopback, SBC_EVENTS=true, ${durationMs} ms calls`,
  );
  table(rows);
  const bus = rows.find((r) => r.name.includes('bus')) ?? rows[0];
  const kam = rows.find((r) => r.name.startsWith('Kamailio'));
  const result = {
    bench: 'sip',
    maxCps: bus?.maxCps ?? 0,
    cpsPerCore: bus?.cpsPerCore ?? 0,
    concurrentCalls: bus?.hold?.held ?? 0,
    rssBytes: bus?.hold?.rssAtN ?? 0,
    bytesPerDialog: Math.round(bus?.hold?.bytesPerDialog ?? 0),
    kamailioMaxCps: kam?.maxCps ?? 0,
    goals: {
      cps1000OnOneCore: (bus?.cpsPerCore ?? 0) >= 1000 && (bus?.maxCps ?? 0) >= 1000,
      calls10kUnder1GiB: (bus?.hold?.held ?? 0) >= 10_000 && (bus?.hold?.rssAtN ?? Infinity) < GiB,
    },
    rows,
    settings: { rates, stepSeconds, durationMs, calls, ramp, holdSeconds, argv },
  };
  log(
    `goals: ≥ 1,000 CPS on one core ${result.goals.cps1000OnOneCore ? 'met' : 'missed'};` +
      ` 10,000 calls in < 1 GiB ${result.goals.calls10kUnder1GiB ? 'met' : 'missed'}`,
  );
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

runBench(main);
