// The media bench's figures per step (a row of the table), the bar, and what limited the run.
import type { LoadResult } from './media-bench-load';
import type { StepResult } from './media-bench-step';

export const BAR = { lossPct: 0.1, addedP99Us: 1000, corrupt: 0 };
/** Past these the generator, not the relay, is what limits: its figures are not the relay's. */
export const GENERATOR_LIMIT = { cores: 0.9, sendLateP50Us: 5_000 };

export interface Row {
  calls: number;
  transcodingCalls: number;
  relayedPps?: number;
  lossPct?: number;
  corrupt?: number;
  relayUs?: { p50: number; p99: number };
  directUs: { p50: number; p99: number };
  addedUs?: { p50: number; p99: number };
  workerCores?: number;
  /** Seconds per second the worker was runnable but waiting for its core. */
  workerWait?: number;
  /** Worker CPU per relayed packet (one receive + one send), µs. */
  workerUsPerPacket?: number;
  generatorCores: number;
  generatorLimited: boolean;
  meetsBar: boolean;
  failures: string[];
  /** How many times the step ran (again when others' load on the worker's core spoiled it). */
  attempts?: number;
  /** Busy fraction of core 0 and core 1 not used by the worker and the generator: others' load. */
  otherLoad?: [number, number];
}

const generatorLimited = (r: LoadResult) =>
  (!r.spin && r.cpu.cores > GENERATOR_LIMIT.cores) ||
  r.sendLateUs.p50 > GENERATOR_LIMIT.sendLateP50Us;

export function rowOf(s: StepResult, pinned: boolean): Row {
  const d = s.direct.latencyUs.all;
  const row: Row = {
    calls: s.calls,
    transcodingCalls: Math.floor(s.calls / 2),
    directUs: { p50: d.p50, p99: d.p99 },
    generatorCores: s.direct.cpu.cores,
    generatorLimited: generatorLimited(s.direct),
    meetsBar: false,
    failures: s.error ? [s.error.split('\n')[0]!] : [],
  };
  const r = s.relay;
  if (!r) return row;
  const all = r.latencyUs.all;
  Object.assign(row, {
    relayedPps: r.ppsIn,
    lossPct: r.lossPct,
    corrupt: r.corrupt + r.wrongPt,
    relayUs: { p50: all.p50, p99: all.p99 },
    addedUs: { p50: all.p50 - d.p50, p99: all.p99 - d.p99 },
    workerCores: s.workerCores,
    workerWait: s.workerRunQueueWait,
    workerUsPerPacket:
      s.workerCores !== undefined && r.ppsIn > 0
        ? Math.round((s.workerCores / r.ppsIn) * 1e7) / 10
        : undefined,
    generatorCores: r.cpu.cores,
    generatorLimited: row.generatorLimited || generatorLimited(r),
  });
  if (s.coreBusy && s.workerCores !== undefined && pinned) {
    const other = (busy = 0, ours = 0) => Math.max(0, Math.round((busy - ours) * 100) / 100);
    row.otherLoad = [other(s.coreBusy[0], s.workerCores), other(s.coreBusy[1], r.cpu.cores)];
  }
  if (r.lossPct >= BAR.lossPct) row.failures.push(`loss ${r.lossPct}%`);
  if (all.p99 < 0 || all.p99 - d.p99 >= BAR.addedP99Us)
    row.failures.push(`added p99 ${all.p99 - d.p99} µs`);
  if (r.corrupt + r.wrongPt > BAR.corrupt)
    row.failures.push(`${r.corrupt} corrupt, ${r.wrongPt} wrong payload type`);
  row.meetsBar = row.failures.length === 0;
  return row;
}

/** Why a step missed the bar (or why stepping stopped). */
/** Saturated when the worker used this much of its core (or waited for it while busy). */
const SATURATED_CORES = 0.9;
/** Past this share of its core an event loop is busy often enough for packets to queue. */
const NEAR_SATURATION = 0.8;

const saturated = (row: Row) =>
  (row.workerCores ?? 0) >= SATURATED_CORES || (row.workerCores ?? 0) + (row.workerWait ?? 0) >= 1;

/**
 * Other processes took a real share of the worker's core while it had work: a missed bar may
 * be theirs, not the relay's (the bench then runs the step again, --retries).
 */
export function interfered(row: Row): boolean {
  if (row.generatorLimited || saturated(row)) return false;
  return (row.otherLoad?.[0] ?? 0) >= 0.2 || (row.workerWait ?? 0) >= 0.05;
}

export function limitOf(row: Row): string {
  const what = row.failures.join(', ');
  if (row.generatorLimited)
    return `the load generator (its core is saturated, so these figures are not the relay's): ${what}`;
  const busy = (row.workerCores ?? 0) + (row.workerWait ?? 0);
  if (saturated(row) || busy >= NEAR_SATURATION)
    return `worker CPU ${saturated(row) ? 'saturated' : 'near saturation, packets queue'} (${row.workerCores} cores used, ${row.workerWait} s/s waiting for its core): ${what}`;
  if (interfered(row))
    return `${what}, with other processes on the worker's core (${row.otherLoad?.[0]} of it busy, the worker waited ${row.workerWait} s/s): on a quiet machine this N may pass`;
  return what;
}

/**
 * Worker CPU against relayed packets/s over the unsaturated steps (CPU time is much less
 * sensitive to other load than latency is), fitted as cores = base + perPacket x pps, and the
 * calls one fully busy core could relay from it (each call relays 2 legs x 50 packets/s). The
 * cost per packet falls as load grows (more datagrams per event-loop turn), so this is rough;
 * from one step only (base 0) it is a lower bound.
 */
export function cpuProjection(rows: Row[]) {
  const points = rows
    .filter((r) => !r.generatorLimited && (r.lossPct ?? 100) < 1 && !saturated(r))
    .filter((r) => (r.relayedPps ?? 0) >= 5_000 && r.workerCores !== undefined)
    .map((r) => ({ x: r.relayedPps!, y: r.workerCores! }));
  if (points.length === 0) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const slope =
    n > 1 && sxx > 0 ? points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx : my / mx;
  const fixed = n > 1 && sxx > 0 ? my - slope * mx : 0;
  if (!(slope > 0)) return undefined;
  return {
    usPerPacket: Math.round(slope * 1e7) / 10,
    baseCores: Math.round(fixed * 100) / 100,
    callsPerCore: Math.round((1 - fixed) / slope / 100),
    steps: n,
    lowerBound: n === 1,
  };
}

const pad = (v: unknown, w: number) => String(v ?? '-').padStart(w);
const pair = (p?: { p50: number; p99: number }) => (p ? `${p.p50}/${p.p99}` : '-');
export function printTable(rows: Row[], log: (line: string) => void): void {
  log(
    '  calls  transc.  relayed pkt/s  loss %  corrupt  relay p50/p99 µs  direct p50/p99 µs  added p50/p99 µs  worker cores  waited  gen cores  others  bar',
  );
  for (const r of rows) {
    log(
      `${pad(r.calls, 7)}${pad(r.transcodingCalls, 9)}${pad(r.relayedPps, 15)}${pad(r.lossPct, 8)}${pad(r.corrupt, 9)}` +
        `${pad(pair(r.relayUs), 18)}${pad(pair(r.directUs), 19)}${pad(pair(r.addedUs), 18)}` +
        `${pad(r.workerCores, 14)}${pad(r.workerWait, 8)}${pad(r.generatorCores, 11)}${pad(r.otherLoad?.join('/'), 10)}  ${r.meetsBar ? 'met' : r.generatorLimited ? 'gen!' : 'missed'}`,
    );
  }
}
