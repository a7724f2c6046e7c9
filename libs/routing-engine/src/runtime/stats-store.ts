// Queue statistics kept in Redis so every replica counts into the same figures: 15-second
// buckets for the live sliding window, and one hash per queue and 15-minute interval (local to
// the queue's time zone) for the historical rows the routing app writes to Postgres.
import type { Redis } from 'ioredis';
import { intervalLabel, intervalStart } from '../stats/intervals';

// One script per write or read instead of a pipeline of HINCRBYs or HGETALLs: fewer commands for
// the client to build and Redis to parse on every call, and the window summed where it lives.
// Keys are built under one tenant's `{tenantId}` base, so each script stays in one Cluster slot.

// KEYS: bucket, interval. ARGV: bucket ttl (ms), interval ttl (s), then field, interval field, by.
const RECORD = `
for i = 3, #ARGV, 3 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 2])
  redis.call('HINCRBY', KEYS[2], ARGV[i + 1], ARGV[i + 2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
`;

// KEYS: the tenant's base. ARGV: queueId, now, last bucket, bucket count, then the fields to sum.
// Returns non-callback waiting, callbacks, longest wait (ms), then the window's sums.
const FIGURES = `
local base, q, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local waiting, callbacks, longest = 0, 0, 0
for _, id in ipairs(redis.call('ZRANGE', base .. 'wq:' .. q, 0, -1)) do
  local f = redis.call('HMGET', base .. 'int:' .. id, 'state', 'callbackNumber',
    'originalEnqueuedAt', 'enqueuedAt')
  if f[1] == 'waiting' then
    if f[2] and f[2] ~= '' then callbacks = callbacks + 1 else waiting = waiting + 1 end
    local since = tonumber(f[3] or f[4] or '') or now
    if now - since > longest then longest = now - since end
  end
end
local out = { waiting, callbacks, longest }
for f = 5, #ARGV do out[f - 1] = 0 end
for b = tonumber(ARGV[3]) - tonumber(ARGV[4]) + 1, tonumber(ARGV[3]) do
  local v = redis.call('HMGET', base .. 'st:' .. q .. ':' .. b, unpack(ARGV, 5))
  for f = 1, #v do out[f + 3] = out[f + 3] + (tonumber(v[f]) or 0) end
end
return out
`;

// KEYS: the tenant's base. ARGV: interval ttl (s), then queueId, interval start, staffed, busy.
const AGENT_TIME = `
for i = 2, #ARGV, 4 do
  local key = KEYS[1] .. 'iv:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  redis.call('HINCRBY', key, 'staffedMs', ARGV[i + 2])
  redis.call('HINCRBY', key, 'busyMs', ARGV[i + 3])
  redis.call('EXPIRE', key, ARGV[1])
end
`;

type Scripted = Redis & {
  ccxStatsRecord(bucket: string, interval: string, ...args: (string | number)[]): Promise<null>;
  ccxStatsFigures(base: string, ...args: (string | number)[]): Promise<number[]>;
  ccxStatsAgentTime(base: string, ...args: (string | number)[]): Promise<null>;
};

const SCRIPTS: Record<string, [keys: number, lua: string]> = {
  ccxStatsRecord: [2, RECORD],
  ccxStatsFigures: [1, FIGURES],
  ccxStatsAgentTime: [1, AGENT_TIME],
};

function scripted(redis: Redis): Scripted {
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS))
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  return redis as Scripted;
}

const WINDOW_FIELDS = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'answeredWithinSl',
  'answerWaitMs',
] as const;
const INTERVAL_TTL_S = 7 * 86400;

export type Outcome =
  | { kind: 'offered' }
  | { kind: 'answered'; waitMs: number; serviceLevelMs: number }
  | { kind: 'abandoned'; waitMs: number; shortAbandonMs: number }
  | { kind: 'handled'; handleMs: number };

export interface WindowFigures {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinSl: number;
  answerWaitMs: number;
}

export interface QueueFigures {
  /** Callers waiting, callbacks not counted. */
  waiting: number;
  callbacks: number;
  longestWaitMs: number;
  window: WindowFigures;
}

export interface IntervalTotals {
  tenantId: string;
  queueId: string;
  intervalStart: number;
  label: string;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinSl: number;
  waitMsSum: number;
  handleMsSum: number;
  busyMs: number;
  staffedMs: number;
}

// Minute buckets: a snapshot sums 15 of them, exact to a minute at the window's trailing edge.
const BUCKET_MS = 60_000;
const SEP = '|';

function increments(o: Outcome): [string, number][] {
  switch (o.kind) {
    case 'offered':
      return [['offered', 1]];
    case 'answered':
      return [
        ['answered', 1],
        ['answerWaitMs', Math.round(o.waitMs)],
        ['answeredWithinSl', o.waitMs <= o.serviceLevelMs ? 1 : 0],
      ];
    case 'abandoned':
      return o.waitMs < o.shortAbandonMs
        ? [['shortAbandoned', 1]]
        : [
            ['abandoned', 1],
            ['abandonWaitMs', Math.round(o.waitMs)],
          ];
    case 'handled':
      return [['handleMs', Math.round(o.handleMs)]];
  }
}

/** intervalStart and its label for `ts`, computed once per time zone and minute. */
const intervalCache = new Map<string, { start: number; label: string }>();
function interval(ts: number, timeZone: string): { start: number; label: string } {
  const key = `${timeZone}|${Math.floor(ts / 60_000)}`;
  let hit = intervalCache.get(key);
  if (!hit) {
    const start = intervalStart(ts, timeZone);
    hit = { start, label: intervalLabel(start, timeZone) };
    if (intervalCache.size > 10_000) intervalCache.clear();
    intervalCache.set(key, hit);
  }
  return hit;
}

export class StatsStore {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** The live window the buckets are summed over. */
    readonly windowMs = 15 * 60_000,
  ) {
    this.redis = scripted(redis);
  }

  private base(tenantId: string): string {
    return `${this.prefix}:{${tenantId}}:`;
  }

  private get dirtyKey(): string {
    return `${this.prefix}:ivdirty`;
  }

  /** Counts an outcome into the live window and the queue's current interval. */
  async record(
    tenantId: string,
    queueId: string,
    outcome: Outcome,
    now: number,
    timeZone = 'UTC',
  ): Promise<void> {
    const bucket = `${this.base(tenantId)}st:${queueId}:${Math.floor(now / BUCKET_MS)}`;
    const { start, label } = interval(now, timeZone);
    const args: (string | number)[] = [this.windowMs + BUCKET_MS, INTERVAL_TTL_S];
    for (const [field, by] of increments(outcome))
      if (by !== 0) args.push(field, field === 'answerWaitMs' ? 'waitMsSum' : field, by);
    await Promise.all([
      this.redis.ccxStatsRecord(bucket, `${this.base(tenantId)}iv:${queueId}:${start}`, ...args),
      this.redis.sadd(this.dirtyKey, [tenantId, queueId, start, label].join(SEP)),
    ]);
  }

  /**
   * Staffed and busy agent time sampled into each queue's current interval (one replica
   * samples), in one script call per tenant and chunk of queues.
   */
  async addAgentTime(
    tenantId: string,
    samples: readonly { queueId: string; staffedMs: number; busyMs: number; timeZone: string }[],
    now: number,
  ): Promise<void> {
    if (samples.length === 0) return;
    const args: (string | number)[] = [INTERVAL_TTL_S];
    const dirty: string[] = [];
    for (const s of samples) {
      const { start, label } = interval(now, s.timeZone);
      args.push(s.queueId, start, Math.round(s.staffedMs), Math.round(s.busyMs));
      dirty.push([tenantId, s.queueId, start, label].join(SEP));
    }
    await Promise.all([
      this.redis.ccxStatsAgentTime(this.base(tenantId), ...args),
      this.redis.sadd(this.dirtyKey, ...dirty),
    ]);
  }

  /**
   * A queue's waiting list summed up (waiting callers, callbacks, longest wait) and the sliding
   * window ending at `now`, in one script call.
   */
  async figures(tenantId: string, queueId: string, now: number): Promise<QueueFigures> {
    const last = Math.floor(now / BUCKET_MS);
    const count = Math.ceil(this.windowMs / BUCKET_MS);
    const r = await this.redis.ccxStatsFigures(
      this.base(tenantId),
      queueId,
      now,
      last,
      count,
      ...WINDOW_FIELDS,
    );
    const n = (i: number) => Number(r[i] ?? 0);
    return {
      waiting: n(0),
      callbacks: n(1),
      longestWaitMs: n(2),
      window: {
        offered: n(3),
        answered: n(4),
        abandoned: n(5),
        shortAbandoned: n(6),
        answeredWithinSl: n(7),
        answerWaitMs: n(8),
      },
    };
  }

  /**
   * Takes up to `limit` intervals changed since the last call, with their totals (absolute
   * values: writing one twice is harmless). A failed write should `markDirty` them again.
   */
  async drainDirty(limit = 500): Promise<IntervalTotals[]> {
    const members = await this.redis.spop(this.dirtyKey, limit);
    if (members.length === 0) return [];
    const parsed = members.map((m) => {
      const [tenantId = '', queueId = '', start = '0', label = ''] = m.split(SEP);
      return { tenantId, queueId, start: Number(start), label };
    });
    const pipe = this.redis.pipeline();
    for (const p of parsed) pipe.hgetall(`${this.base(p.tenantId)}iv:${p.queueId}:${p.start}`);
    const results = (await pipe.exec()) ?? [];
    return parsed.map((p, i) => {
      const h = (results[i]?.[1] ?? {}) as Record<string, string>;
      const n = (k: string) => Number(h[k] ?? 0);
      return {
        tenantId: p.tenantId,
        queueId: p.queueId,
        intervalStart: p.start,
        label: p.label,
        offered: n('offered'),
        answered: n('answered'),
        abandoned: n('abandoned'),
        shortAbandoned: n('shortAbandoned'),
        answeredWithinSl: n('answeredWithinSl'),
        waitMsSum: n('waitMsSum'),
        handleMsSum: n('handleMs'),
        busyMs: n('busyMs'),
        staffedMs: n('staffedMs'),
      };
    });
  }

  async markDirty(rows: readonly IntervalTotals[]): Promise<void> {
    if (rows.length === 0) return;
    await this.redis.sadd(
      this.dirtyKey,
      ...rows.map((r) => [r.tenantId, r.queueId, r.intervalStart, r.label].join(SEP)),
    );
  }
}
