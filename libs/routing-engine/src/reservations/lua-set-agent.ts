import { LUA_COMMON } from './lua-common';

/**
 * Sets an agent's manual state, capacity and presence.
 * KEYS[1] = tenant key base; ARGV = agentId, state, capVoice, capChat, presence, reason, now,
 *   teamsUserId, '1' if teamsUserId is given ('0' keeps the stored one).
 * Only logged-out, available and not-ready can be set by hand; reserved, busy and wrap-up follow
 * from reservations. Coming back to available from another state clears the missed-offer count.
 */
export const LUA_SET_AGENT = `${LUA_COMMON}
local akey = base .. 'agent:' .. ARGV[1]
local state = ARGV[2]
local now = tonumber(ARGV[7])
if state ~= 'logged-out' and state ~= 'available' and state ~= 'not-ready' then
  return cjson.encode({ ok = false, reason = 'invalid-transition' })
end
local previous = redis.call('HGET', akey, 'base')
if state == 'available' and previous ~= 'available' then redis.call('HSET', akey, 'missed', 0) end
redis.call('HSET', akey, 'base', state, 'reason', ARGV[6], 'cap:voice', ARGV[3],
  'cap:chat', ARGV[4], 'presence', ARGV[5])
if ARGV[9] == '1' then redis.call('HSET', akey, 'teamsUser', ARGV[8]) end
local visible = settle(akey, now)
return cjson.encode({ ok = true, state = visible,
  version = tonumber(redis.call('HGET', akey, 'version')) })
`;

/**
 * Sets the presence an agent's hash keeps (the fallback when the presence register has nothing
 * for its Teams user). KEYS[1] = tenant key base; ARGV = agentId, presence, now.
 */
export const LUA_SET_PRESENCE = `${LUA_COMMON}
local akey = base .. 'agent:' .. ARGV[1]
if redis.call('EXISTS', akey) == 0 then
  return cjson.encode({ ok = false, reason = 'unknown-agent' })
end
redis.call('HSET', akey, 'presence', ARGV[2])
settle(akey, tonumber(ARGV[3]))
return cjson.encode({ ok = true, version = tonumber(redis.call('HGET', akey, 'version')) })
`;
