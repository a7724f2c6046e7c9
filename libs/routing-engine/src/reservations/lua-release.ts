import { LUA_COMMON } from './lua-common';

/**
 * Ends an interaction (hang-up, abnormal end): cancels its open offers, frees the active slot of
 * the agent it was assigned to (wrap-up for wrapUpMs if > 0) and leaves a tombstone so a late
 * reserve from another replica is refused.
 * KEYS[1] = tenant key base; ARGV = interactionId, now, wrapUpMs.
 */
export const LUA_RELEASE = `${LUA_COMMON}
local iid, now, wrap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ix = base .. 'ix:' .. iid
local f = redis.call('HMGET', ix, 'ended', 'agent', 'channel', 'rid')
if f[1] then return cjson.encode({ ok = true, changed = false, cancelled = {} }) end
local cancelled = {}
for _, rid in ipairs(redis.call('SMEMBERS', ix .. ':offers')) do
  local closed = close_offer(rid, 'cancelled', now)
  if closed then cancelled[#cancelled + 1] = closed end
end
local result = { ok = true, changed = true, cancelled = cancelled }
if f[2] then
  local akey = base .. 'agent:' .. f[2]
  dec(akey, 'active:' .. f[3])
  if wrap > 0 then
    local untilMs = math.max(num(redis.call('HGET', akey, 'wrapUntil')), now + wrap)
    redis.call('HSET', akey, 'wrapUntil', untilMs)
    redis.call('ZADD', base .. 'wrapups', untilMs, f[2])
  end
  redis.call('HSET', base .. 'res:' .. f[4], 'status', 'released')
  redis.call('PEXPIRE', base .. 'res:' .. f[4], KEEP_MS)
  result.agentId = f[2]
  result.agentState = settle(akey, now)
end
redis.call('ZREM', base .. 'active', iid)
redis.call('DEL', ix, ix .. ':offers')
redis.call('HSET', ix, 'ended', now)
redis.call('PEXPIRE', ix, KEEP_MS)
return cjson.encode(result)
`;
