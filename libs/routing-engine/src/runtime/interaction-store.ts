// Interactions and queue waiting lists in Redis, shared by every routing replica. Each state
// change is one Lua script that checks the state it expects, so two replicas handling events of
// the same call (an answer racing a hang-up) cannot both win. Keys share the reservation store's
// `{tenantId}` hash tag and base, so their names must not overlap with its (agent:, res:, ix:,
// active, deadlines, wrapups). Under `<prefix>:{<tenantId>}:`:
//   int:<id>           hash: the interaction (state, queueId, reservationId, places, ...)
//   wq:<queueId>       zset: waiting interaction ids by place (first entry time)
//   qs                 set: queues with someone waiting
//   call:<callId>      the interaction a call belongs to;  gone:<callId>  a call that ended early
//   flowlog:<id>:<f>   list: inputs of a flow run (flow-host.ts); st:/iv: statistics (stats-store.ts)
import type { Redis } from 'ioredis';
import type { SkillRequirement } from '@ccx/routing-model';

export type InteractionState =
  'flow' | 'waiting' | 'offered' | 'connected' | 'transferred' | 'ended';

export type EnqueueMode = 'new' | 'keep-place' | 'same-visit';

export interface InteractionRecord {
  id: string;
  tenantId: string;
  /** The call the interaction is about now (a callback's outbound call replaces the first). */
  callId: string;
  sbcId?: string;
  caller?: string;
  called?: string;
  state: InteractionState;
  queueId?: string;
  flowId?: string;
  priority: number;
  requiredSkills?: SkillRequirement[];
  variables: Record<string, string>;
  createdAt: number;
  enqueuedAt?: number;
  originalEnqueuedAt?: number;
  reservationId?: string;
  agentId?: string;
  offeredAt?: number;
  answeredAt?: number;
  callbackNumber?: string;
  /** The SBC answered the caller itself (prompts played); connects then join its media. */
  answeredLocally: boolean;
}

// Prepended to the scripts that load an interaction and check its state before changing it.
const EXPECTED = `
-- Whether state is in the comma list of expected states ('' expects any).
local function expected(state, list)
  return list == '' or string.find(',' .. list .. ',', ',' .. state .. ',', 1, true) ~= nil
end
-- The interaction ARGV[1]: its key, its state ('' if none), and whether that state is in list.
local function load(list)
  local key = KEYS[1] .. 'int:' .. ARGV[1]
  local state = redis.call('HGET', key, 'state')
  if not state then return key, '', false end
  return key, state, expected(state, list)
end
`;

// KEYS[1] = base. ARGV: id, expected states (comma list, '' = any), then field/value pairs.
// Returns the state found; the fields are written only when it was expected.
const TRANSITION = `
local key, state, ok = load(ARGV[2])
if not ok then return state end
if #ARGV > 2 then redis.call('HSET', key, unpack(ARGV, 3)) end
return state
`;

// KEYS[1] = base. ARGV: id, queueId, now, mode, expected states, expected reservationId ('' = any).
// mode: new (place and visit start now), keep-place (a re-entry: the first entry time stays its
// place, its wait for max-wait starts now), same-visit (an offer that failed: place and wait kept).
// Returns '<previous state>|<1-based position>', or '<state>|0' when not as expected.
const ENQUEUE = `
local key, state, ok = load(ARGV[5])
if not ok then return state .. '|0' end
if ARGV[6] ~= '' and redis.call('HGET', key, 'reservationId') ~= ARGV[6] then return state .. '|0' end
local old = redis.call('HGET', key, 'queueId')
if old and old ~= ARGV[2] then
  redis.call('ZREM', KEYS[1] .. 'wq:' .. old, ARGV[1])
  if redis.call('ZCARD', KEYS[1] .. 'wq:' .. old) == 0 then redis.call('SREM', KEYS[1] .. 'qs', old) end
end
local original = redis.call('HGET', key, 'originalEnqueuedAt')
local place = tonumber(ARGV[3])
if ARGV[4] ~= 'new' and original then place = tonumber(original) else
  redis.call('HSET', key, 'originalEnqueuedAt', ARGV[3]) end
if ARGV[4] ~= 'same-visit' or not redis.call('HGET', key, 'enqueuedAt') then
  redis.call('HSET', key, 'enqueuedAt', ARGV[3])
end
redis.call('HSET', key, 'state', 'waiting', 'queueId', ARGV[2])
redis.call('HDEL', key, 'reservationId', 'agentId', 'offeredAt')
redis.call('ZADD', KEYS[1] .. 'wq:' .. ARGV[2], place, ARGV[1])
redis.call('SADD', KEYS[1] .. 'qs', ARGV[2])
return state .. '|' .. (redis.call('ZRANK', KEYS[1] .. 'wq:' .. ARGV[2], ARGV[1]) + 1)
`;

// KEYS[1] = base. ARGV: id, new state, expected states, field/value pairs...
// Leaves the waiting list (if in it) and moves to the new state.
const LEAVE = `
local key, state, ok = load(ARGV[3])
if not ok then return state end
local q = redis.call('HGET', key, 'queueId')
if q then
  redis.call('ZREM', KEYS[1] .. 'wq:' .. q, ARGV[1])
  if redis.call('ZCARD', KEYS[1] .. 'wq:' .. q) == 0 then redis.call('SREM', KEYS[1] .. 'qs', q) end
end
redis.call('HSET', key, 'state', ARGV[2])
if #ARGV > 3 then redis.call('HSET', key, unpack(ARGV, 4)) end
if ARGV[2] == 'ended' or ARGV[2] == 'transferred' then redis.call('EXPIRE', key, 86400) end
return state
`;

// KEYS[1] = base. ARGV: id, callId, then field/value pairs. Creates the interaction unless it
// exists; returns 'created', 'exists', or 'gone' (its call ended before it was created).
const CREATE = `
local key = KEYS[1] .. 'int:' .. ARGV[1]
if redis.call('EXISTS', key) == 1 then return 'exists' end
redis.call('HSET', key, unpack(ARGV, 3))
redis.call('EXPIRE', key, 604800)
redis.call('SET', KEYS[1] .. 'call:' .. ARGV[2], ARGV[1], 'EX', 86400)
if redis.call('EXISTS', KEYS[1] .. 'gone:' .. ARGV[2]) == 1 then
  redis.call('HSET', key, 'state', 'ended')
  return 'gone'
end
return 'created'
`;

// KEYS[1] = base. ARGV: queueId. The waiting interactions of a queue in place order, each as a
// flat list of its hash's fields and values, in one round trip.
const WAITING = `
local ids = redis.call('ZRANGE', KEYS[1] .. 'wq:' .. ARGV[1], 0, -1)
local out = {}
for i, id in ipairs(ids) do out[i] = redis.call('HGETALL', KEYS[1] .. 'int:' .. id) end
return out
`;

// ENQUEUE, then (when it went in) the queue's waiting list as WAITING returns it: the caller's
// first decision needs no second round trip.
const ENQUEUE_LIST = `
local function enqueue()
${ENQUEUE}
end
local r = enqueue()
local out = { r }
if string.sub(r, -2) == '|0' then return out end
local ids = redis.call('ZRANGE', KEYS[1] .. 'wq:' .. ARGV[2], 0, -1)
for i, id in ipairs(ids) do out[i + 1] = redis.call('HGETALL', KEYS[1] .. 'int:' .. id) end
return out
`;

type Script = (base: string, ...args: (string | number)[]) => Promise<string>;
type Scripted = Redis &
  Record<'ccxIxTransition' | 'ccxIxEnqueue' | 'ccxIxLeave' | 'ccxIxCreate', Script> &
  Record<'ccxIxWaiting', (base: string, queueId: string) => Promise<string[][]>> &
  Record<
    'ccxIxEnqueueList',
    (base: string, ...args: (string | number)[]) => Promise<[string, ...string[][]]>
  >;

function scripted(redis: Redis): Scripted {
  const scripts = {
    ccxIxTransition: EXPECTED + TRANSITION,
    ccxIxEnqueue: EXPECTED + ENQUEUE,
    ccxIxLeave: EXPECTED + LEAVE,
    ccxIxCreate: CREATE,
    ccxIxWaiting: WAITING,
    ccxIxEnqueueList: EXPECTED + ENQUEUE_LIST,
  };
  for (const [name, lua] of Object.entries(scripts))
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  return redis as Scripted;
}

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
const json = <T>(v: string | undefined): T | undefined => (v ? (JSON.parse(v) as T) : undefined);

function fromHash(h: Record<string, string>): InteractionRecord | undefined {
  if (!h['state'] || !h['id']) return undefined;
  const rec: InteractionRecord = {
    id: h['id'],
    tenantId: h['tenantId'] ?? '',
    callId: h['callId'] ?? h['id'],
    state: h['state'] as InteractionState,
    priority: num(h['priority']) ?? 50,
    variables: json<Record<string, string>>(h['variables']) ?? {},
    createdAt: num(h['createdAt']) ?? 0,
    answeredLocally: h['answeredLocally'] === '1',
  };
  const opt = <K extends keyof InteractionRecord>(k: K, v: InteractionRecord[K] | undefined) => {
    if (v !== undefined) rec[k] = v;
  };
  opt('sbcId', h['sbcId']);
  opt('caller', h['caller']);
  opt('called', h['called']);
  opt('queueId', h['queueId']);
  opt('flowId', h['flowId']);
  opt('requiredSkills', json<SkillRequirement[]>(h['requiredSkills']));
  opt('enqueuedAt', num(h['enqueuedAt']));
  opt('originalEnqueuedAt', num(h['originalEnqueuedAt']));
  opt('reservationId', h['reservationId']);
  opt('agentId', h['agentId']);
  opt('offeredAt', num(h['offeredAt']));
  opt('answeredAt', num(h['answeredAt']));
  opt('callbackNumber', h['callbackNumber']);
  return rec;
}

/** Field/value pairs for HSET from a partial record (undefined fields skipped). */
export function fields(rec: Partial<InteractionRecord>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (v === undefined) continue;
    if (k === 'variables' || k === 'requiredSkills') out.push(k, JSON.stringify(v));
    else if (k === 'answeredLocally') out.push(k, v ? '1' : '0');
    else out.push(k, String(v));
  }
  return out;
}

/** Records from HGETALL replies (flat field/value lists). */
function records(flats: readonly string[][]): InteractionRecord[] {
  const out: InteractionRecord[] = [];
  for (const flat of flats) {
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i] ?? ''] = flat[i + 1] ?? '';
    const rec = fromHash(h);
    if (rec) out.push(rec);
  }
  return out;
}

export class InteractionStore {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = scripted(redis);
  }

  base(tenantId: string): string {
    if (!tenantId || /[{}]/.test(tenantId)) throw new Error(`invalid tenant id "${tenantId}"`);
    return `${this.prefix}:{${tenantId}}:`;
  }

  /**
   * Creates the interaction unless it exists: 'exists' for a redelivered event, 'gone' when its
   * call's hang-up was handled first (it is then created ended).
   */
  async create(rec: InteractionRecord): Promise<'created' | 'exists' | 'gone'> {
    const reply = await this.redis.ccxIxCreate(
      this.base(rec.tenantId),
      rec.id,
      rec.callId,
      ...fields(rec),
    );
    return reply as 'created' | 'exists' | 'gone';
  }

  async get(tenantId: string, id: string): Promise<InteractionRecord | undefined> {
    return fromHash(await this.redis.hgetall(`${this.base(tenantId)}int:${id}`));
  }

  /** The interaction a call belongs to (its first call, or a callback's outbound call). */
  async byCall(tenantId: string, callId: string): Promise<InteractionRecord | undefined> {
    const id = await this.redis.get(`${this.base(tenantId)}call:${callId}`);
    return id ? this.get(tenantId, id) : undefined;
  }

  /** Remembers a call that ended before its interaction was created (an hour). */
  async markGone(tenantId: string, callId: string): Promise<void> {
    await this.redis.set(`${this.base(tenantId)}gone:${callId}`, '1', 'EX', 3600);
  }

  async linkCall(tenantId: string, callId: string, id: string): Promise<void> {
    await this.redis.set(`${this.base(tenantId)}call:${callId}`, id, 'EX', 86400);
  }

  /** Writes fields if the state is one of `expected` ([] = any); returns the state found ('' = none). */
  transition(
    tenantId: string,
    id: string,
    expected: readonly InteractionState[],
    change: Partial<InteractionRecord>,
  ): Promise<string> {
    return this.redis.ccxIxTransition(
      this.base(tenantId),
      id,
      expected.join(','),
      ...fields(change),
    );
  }

  /**
   * Into the queue's waiting list if its state is one of `expected` (and, given, its open offer is
   * `reservationId`). Mode `new` places it now; `keep-place` keeps its first entry time as its
   * place (a re-entry); `same-visit` keeps its wait too (an offer that failed).
   */
  async enqueue(
    tenantId: string,
    id: string,
    queueId: string,
    now: number,
    mode: EnqueueMode,
    expected: readonly InteractionState[],
    reservationId = '',
  ): Promise<{ previous: string; position: number }> {
    const reply = await this.redis.ccxIxEnqueue(
      this.base(tenantId),
      id,
      queueId,
      now,
      mode,
      expected.join(','),
      reservationId,
    );
    const [previous = '', position = '0'] = reply.split('|');
    return { previous, position: Number(position) };
  }

  /** Leaves the waiting list into `state`; returns the state found. */
  leave(
    tenantId: string,
    id: string,
    state: InteractionState,
    expected: readonly InteractionState[],
    change: Partial<InteractionRecord> = {},
  ): Promise<string> {
    return this.redis.ccxIxLeave(
      this.base(tenantId),
      id,
      state,
      expected.join(','),
      ...fields(change),
    );
  }

  /** The queue's waiting interactions, in place order (first entry time). */
  async waiting(tenantId: string, queueId: string): Promise<InteractionRecord[]> {
    return records(await this.redis.ccxIxWaiting(this.base(tenantId), queueId));
  }

  /** `enqueue`, returning also the queue's waiting list (empty when it did not go in). */
  async enqueueAndList(
    tenantId: string,
    id: string,
    queueId: string,
    now: number,
    mode: EnqueueMode,
    expected: readonly InteractionState[],
  ): Promise<{ previous: string; position: number; waiting: InteractionRecord[] }> {
    const [status, ...flats] = await this.redis.ccxIxEnqueueList(
      this.base(tenantId),
      id,
      queueId,
      now,
      mode,
      expected.join(','),
      '',
    );
    const [previous = '', position = '0'] = status.split('|');
    return { previous, position: Number(position), waiting: records(flats) };
  }

  /** Queues of the tenant with someone waiting. */
  activeQueues(tenantId: string): Promise<string[]> {
    return this.redis.smembers(`${this.base(tenantId)}qs`);
  }

  /** Place (1-based) in the queue's waiting list, 0 if not in it. */
  async position(tenantId: string, queueId: string, id: string): Promise<number> {
    const rank = await this.redis.zrank(`${this.base(tenantId)}wq:${queueId}`, id);
    return rank === null ? 0 : rank + 1;
  }
}
