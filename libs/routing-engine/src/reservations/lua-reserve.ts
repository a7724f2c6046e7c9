import { LUA_COMMON } from './lua-common';

/**
 * Reserves an agent for one interaction, atomically.
 * KEYS[1] = tenant key base;
 * ARGV = agentId, reservationId, interactionId, channel, ttlMs, now, groupId ('' = none),
 *        maxMissed (0 = never pause), requiredPresence ('' = any), presence register key ('' = none).
 * With requiredPresence, the agent's availability is read from the presence register (written
 * when presence.changed is published) by its Teams user id when the register has it, else from
 * the agent's own presence field.
 * Voice needs a visible state of available; chat also accepts reserved/busy agents with spare
 * chat capacity and no voice interaction. Capacity counts active and reserved interactions.
 * An interaction is offered to one agent at a time unless every offer carries the same group id.
 */
export const LUA_RESERVE = `${LUA_COMMON}
local agentId, rid, iid, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ttl, now, group = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local function refuse(reason) return cjson.encode({ ok = false, reason = reason }) end

local akey = base .. 'agent:' .. agentId
if redis.call('EXISTS', akey) == 0 then return refuse('unknown-agent') end
local rkey = base .. 'res:' .. rid
if redis.call('EXISTS', rkey) == 1 then return refuse('duplicate-reservation') end

local ix = base .. 'ix:' .. iid
local ixf = redis.call('HMGET', ix, 'ended', 'agent', 'group')
if ixf[1] then return refuse('interaction-ended') end
if ixf[2] then return refuse('interaction-assigned') end
local offers = redis.call('SMEMBERS', ix .. ':offers')
if #offers > 0 then
  if group == '' or ixf[3] ~= group then return refuse('interaction-offered') end
  for _, other in ipairs(offers) do
    if redis.call('HGET', base .. 'res:' .. other, 'agent') == agentId then
      return refuse('interaction-offered')
    end
  end
end

local f = redis.call('HMGET', akey, 'base', 'state', 'presence', 'wrapUntil',
  'cap:' .. channel, 'active:' .. channel, 'reserved:' .. channel, 'active:voice', 'reserved:voice',
  'teamsUser')
local state = f[2]
if state == 'wrap-up' and num(f[4]) <= now then state = settle(akey, now) end
if f[1] ~= 'available' then return refuse('agent-unavailable') end
if ARGV[9] ~= '' then
  local presence = f[3]
  if ARGV[10] ~= '' and f[10] and f[10] ~= '' then
    local registered = redis.call('HGET', ARGV[10], f[10])
    if registered then presence = string.match(registered, '^([^|]*)|') or presence end
  end
  if presence ~= ARGV[9] then return refuse('presence') end
end
if channel == 'voice' then
  if state ~= 'available' then return refuse('agent-unavailable') end
else
  if state ~= 'available' and state ~= 'reserved' and state ~= 'busy' then
    return refuse('agent-unavailable')
  end
  if num(f[8]) + num(f[9]) > 0 then return refuse('agent-unavailable') end
end
if num(f[6]) + num(f[7]) >= num(f[5]) then return refuse('no-capacity') end

local deadline = now + ttl
redis.call('HSET', rkey, 'status', 'open', 'agent', agentId, 'interaction', iid,
  'channel', channel, 'deadline', deadline, 'group', group, 'maxMissed', ARGV[8])
redis.call('ZADD', base .. 'deadlines', deadline, rid)
redis.call('SADD', akey .. ':res', rid)
redis.call('SADD', ix .. ':offers', rid)
if group ~= '' then redis.call('HSET', ix, 'group', group) end
redis.call('HINCRBY', akey, 'reserved:' .. channel, 1)
local visible = settle(akey, now)
return cjson.encode({ ok = true, reservationId = rid, deadline = deadline, agentState = visible })
`;
