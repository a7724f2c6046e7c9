import { LUA_COMMON } from './lua-common';

/**
 * Times out reservations whose deadline has passed and ends finished wrap-ups, at most `limit`
 * of each per call, so a replica that crashed mid-offer never leaves an agent reserved.
 * KEYS[1] = tenant key base; ARGV = now, limit.
 */
export const LUA_SWEEP = `${LUA_COMMON}
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local released = {}
local due = redis.call('ZRANGEBYSCORE', base .. 'deadlines', '-inf', now, 'LIMIT', 0, limit)
for _, rid in ipairs(due) do
  local closed = close_offer(rid, 'expired', now)
  if closed then released[#released + 1] = closed
  else redis.call('ZREM', base .. 'deadlines', rid) end
end
local wrapped = redis.call('ZRANGEBYSCORE', base .. 'wrapups', '-inf', now, 'LIMIT', 0, limit)
for _, agentId in ipairs(wrapped) do
  redis.call('ZREM', base .. 'wrapups', agentId)
  local akey = base .. 'agent:' .. agentId
  if redis.call('HGET', akey, 'state') == 'wrap-up' then settle(akey, now) end
end
return cjson.encode({ released = released, more = #due >= limit or #wrapped >= limit })
`;
