// 15-minute reporting intervals in a tenant's time zone. Interval boundaries are local wall-clock
// quarters (…:00, :15, :30, :45); for every zone in use today that equals UTC quarters, but zones
// with odd historical offsets (local mean time) shift them, so the offset is always applied.

export const INTERVAL_MS = 15 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock time at `ts`, expressed as if it were UTC epoch ms. */
function localWallClock(ts: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(ts)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
  return wall + mod(ts, 1000);
}

/** Epoch ms of the start of the local 15-minute interval that contains `ts`. */
export function intervalStart(ts: number, timeZone: string): number {
  if (!Number.isFinite(ts)) throw new RangeError(`timestamp must be finite, got ${ts}`);
  return ts - mod(localWallClock(ts, timeZone), INTERVAL_MS);
}

/** Local label of the interval containing `ts`, e.g. "2026-03-29T02:45" (no offset). */
export function intervalLabel(ts: number, timeZone: string): string {
  const wall = localWallClock(intervalStart(ts, timeZone), timeZone);
  return new Date(wall).toISOString().slice(0, 16);
}

export interface InteractionRecord {
  queueId: string;
  /** When the interaction was offered to the queue; it counts in that interval. */
  offeredAt: number;
  outcome: 'answered' | 'abandoned' | 'overflowed';
  waitMs: number;
  /** Talk + hold + wrap-up, for answered interactions. */
  handleMs?: number;
}

export interface AgentTimeRecord {
  queueId: string;
  from: number;
  to: number;
  /** Busy time counts for occupancy; all staffed time (busy or idle) is the denominator. */
  busy: boolean;
}

export interface IntervalRow {
  queueId: string;
  intervalStart: number;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinSl: number;
  sumWaitMs: number;
  sumHandleMs: number;
  busyMs: number;
  staffedMs: number;
}

// The figures of a row are derived in @ccx/routing-model, shared with the API.
export { deriveFigures, type IntervalFigures } from '@ccx/routing-model';

export interface IntervalAggregatorOptions {
  timeZone: string;
  serviceLevelThresholdMs: number;
  /** Abandons sooner than this are counted apart and left out of service level. */
  shortAbandonMs: number;
}

export class IntervalAggregator {
  private readonly rows = new Map<string, IntervalRow>();

  constructor(private readonly options: IntervalAggregatorOptions) {
    formatterFor(options.timeZone);
    if (!(options.serviceLevelThresholdMs >= 0) || !(options.shortAbandonMs >= 0)) {
      throw new RangeError('serviceLevelThresholdMs and shortAbandonMs must be non-negative');
    }
  }

  addInteraction(r: InteractionRecord): void {
    if (!(r.waitMs >= 0)) throw new RangeError(`waitMs must be non-negative, got ${r.waitMs}`);
    const row = this.row(r.queueId, intervalStart(r.offeredAt, this.options.timeZone));
    row.offered++;
    if (r.outcome === 'answered') {
      row.answered++;
      row.sumWaitMs += r.waitMs;
      row.sumHandleMs += r.handleMs ?? 0;
      if (r.waitMs <= this.options.serviceLevelThresholdMs) row.answeredWithinSl++;
    } else if (r.outcome === 'abandoned') {
      if (r.waitMs < this.options.shortAbandonMs) row.shortAbandoned++;
      else row.abandoned++;
    }
  }

  /** Splits a span of agent time across the intervals it covers. */
  addAgentTime(r: AgentTimeRecord): void {
    if (!(r.to >= r.from))
      throw new RangeError(`agent time ends before it starts (${r.from} → ${r.to})`);
    let cursor = r.from;
    while (cursor < r.to) {
      const start = intervalStart(cursor, this.options.timeZone);
      const end = Math.min(r.to, start + INTERVAL_MS);
      const row = this.row(r.queueId, start);
      row.staffedMs += end - cursor;
      if (r.busy) row.busyMs += end - cursor;
      cursor = end;
    }
  }

  /** Rows sorted by interval, then queue. */
  rowsSorted(): IntervalRow[] {
    return [...this.rows.values()].sort(
      (a, b) => a.intervalStart - b.intervalStart || a.queueId.localeCompare(b.queueId),
    );
  }

  private row(queueId: string, start: number): IntervalRow {
    const key = `${queueId}\u0000${start}`;
    let row = this.rows.get(key);
    if (!row) {
      row = {
        queueId,
        intervalStart: start,
        offered: 0,
        answered: 0,
        abandoned: 0,
        shortAbandoned: 0,
        answeredWithinSl: 0,
        sumWaitMs: 0,
        sumHandleMs: 0,
        busyMs: 0,
        staffedMs: 0,
      };
      this.rows.set(key, row);
    }
    return row;
  }
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
