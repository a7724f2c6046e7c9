import type { Redis } from 'ioredis';
import { registryKeys } from './keys';
import type { FieldPatch, MergeResult, SeqState, SeqStore } from './seq-state';

// KEYS[1] = state hash; ARGV = seq, ttlMs, field1, json1, field2, json2...
// Fields are stored as v:<field> (JSON) and s:<field> (seq of the last writer).
const APPLY = `
local seq = tonumber(ARGV[1])
local applied = {}
for i = 3, #ARGV, 2 do
  local field = ARGV[i]
  local current = tonumber(redis.call('HGET', KEYS[1], 's:' .. field) or '-1')
  if seq > current then
    redis.call('HSET', KEYS[1], 's:' .. field, seq, 'v:' .. field, ARGV[i + 1])
    applied[#applied + 1] = field
  end
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return {applied, redis.call('HGETALL', KEYS[1])}
`;

type ScriptedRedis = Redis & {
  ccxSeqApply(key: string, ...args: (string | number)[]): Promise<[string[], string[]]>;
};

/** Registers the script once per client (sent by EVALSHA, loaded on first NOSCRIPT). */
function scripted(redis: Redis): ScriptedRedis {
  if (!('ccxSeqApply' in redis))
    redis.defineCommand('ccxSeqApply', { numberOfKeys: 1, lua: APPLY });
  return redis as ScriptedRedis;
}

function decode(flat: string[]): SeqState {
  const state: SeqState = { values: {}, seqs: {} };
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i] ?? '';
    const raw = flat[i + 1] ?? '';
    const field = key.slice(2);
    if (key.startsWith('s:')) state.seqs[field] = Number(raw);
    else if (key.startsWith('v:')) state.values[field] = JSON.parse(raw) as unknown;
  }
  return state;
}

export interface RedisSeqStoreOptions {
  prefix: string;
  /** Names the consumer (usually its group), so two services keep separate states. */
  scope: string;
  /** States expire this long after their last write (default 24 h). */
  ttlMs?: number;
}

/**
 * Per-call state shared by every instance of a consumer group: each apply is one atomic Lua
 * script, so two instances handling events of the same call concurrently still converge.
 */
export class RedisSeqStore implements SeqStore {
  private readonly key: (tenantId: string, callId: string) => string;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisSeqStoreOptions,
  ) {
    const keys = registryKeys(options.prefix);
    this.key = (tenantId, callId) => keys.seqState(options.scope, tenantId, callId);
    this.ttlMs = options.ttlMs ?? 86_400_000;
  }

  async apply(tenantId: string, callId: string, seq: number, patch: FieldPatch) {
    const args: (string | number)[] = [seq, this.ttlMs];
    for (const [field, value] of Object.entries(patch)) {
      if (value !== undefined) args.push(field, JSON.stringify(value));
    }
    const [applied, flat] = await scripted(this.redis).ccxSeqApply(
      this.key(tenantId, callId),
      ...args,
    );
    return { applied, state: decode(flat) } satisfies MergeResult;
  }

  async get(tenantId: string, callId: string): Promise<SeqState> {
    const hash = await this.redis.hgetall(this.key(tenantId, callId));
    return decode(Object.entries(hash).flat());
  }
}
