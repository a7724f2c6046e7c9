import { LUA_COMMON } from './lua-common';

/**
 * Accepts an open reservation: the agent's reserved slot becomes an active one, the interaction
 * is assigned to the agent and every other open offer of it (ring-all) is cancelled.
 * KEYS[1] = tenant key base; ARGV = reservationId, now.
 * Accepting an accepted reservation changes nothing; accepting after the deadline times it out.
 */
export const LUA_ACCEPT = `${LUA_COMMON}
local rid, now = ARGV[1], tonumber(ARGV[2])
local rkey = base .. 'res:' .. rid
local r = redis.call('HMGET', rkey, 'status', 'agent', 'interaction', 'channel', 'deadline')
if not r[1] then return cjson.encode({ ok = false, reason = 'unknown-reservation' }) end
if r[1] == 'accepted' then
  return cjson.encode({ ok = true, changed = false, agentId = r[2], interactionId = r[3],
    cancelled = {} })
end
if r[1] ~= 'open' then return cjson.encode({ ok = false, reason = r[1] }) end
if now > num(r[5]) then
  local closed = close_offer(rid, 'expired', now)
  return cjson.encode({ ok = false, reason = 'expired', released = closed })
end

local akey = base .. 'agent:' .. r[2]
local ix = base .. 'ix:' .. r[3]
redis.call('HSET', rkey, 'status', 'accepted')
redis.call('ZREM', base .. 'deadlines', rid)
redis.call('SREM', akey .. ':res', rid)
redis.call('SREM', ix .. ':offers', rid)
dec(akey, 'reserved:' .. r[4])
redis.call('HINCRBY', akey, 'active:' .. r[4], 1)
redis.call('HSET', akey, 'missed', 0)
redis.call('HSET', ix, 'agent', r[2], 'channel', r[4], 'rid', rid, 'since', now)
redis.call('ZADD', base .. 'active', now, r[3])
redis.call('HDEL', ix, 'group')
local cancelled = {}
for _, other in ipairs(redis.call('SMEMBERS', ix .. ':offers')) do
  local closed = close_offer(other, 'cancelled', now)
  if closed then cancelled[#cancelled + 1] = closed end
end
local state = settle(akey, now)
return cjson.encode({ ok = true, changed = true, agentId = r[2], interactionId = r[3],
  agentState = state, cancelled = cancelled })
`;
