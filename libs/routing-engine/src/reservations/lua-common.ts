/**
 * Lua helpers prepended to every reservation script. Each script receives KEYS[1] = the tenant's
 * key base `<prefix>:{<tenantId>}:` and builds the other key names from it: they all share the
 * `{tenantId}` hash tag, so in a Redis Cluster one tenant's keys live in one slot (as BullMQ does
 * with its queue prefix).
 *
 * Key layout under the base:
 *   agent:<id>          hash: base, reason, state, presence, teamsUser, cap:<ch>, active:<ch>,
 *                       reserved:<ch>, missed, version, wrapUntil, idleSince
 *   agent:<id>:res      set of the agent's open reservation ids
 *   res:<rid>           hash: status, agent, interaction, channel, deadline, group, maxMissed
 *   ix:<iid>            hash: group (of open offers), agent/channel/rid/since (once accepted), ended
 *   active              zset iid -> accepted at (ms), until released
 *   ix:<iid>:offers     set of open reservation ids for the interaction
 *   deadlines           zset rid -> deadline (ms), swept by expire
 *   wrapups             zset agentId -> end of wrap-up (ms)
 *
 * Every change of an agent goes through settle, which PUBLISHes the agent's new snapshot on the
 * channel `<prefix>:agent-changes` (prefix and tenant id are parsed back out of the base), with
 * the origin the store passed as its last argument.
 */

/** How long finished reservations and ended-interaction tombstones are kept (idempotency). */
export const KEEP_MS = 86_400_000;

export const LUA_COMMON = `
local base = KEYS[1]
local KEEP_MS = ${KEEP_MS}

local function num(v) return tonumber(v or '0') or 0 end

local function dec(key, field)
  if num(redis.call('HGET', key, field)) > 0 then redis.call('HINCRBY', key, field, -1) end
end

-- The store appends its origin (who makes the change) after each script's own arguments.
local ORIGIN = ARGV[#ARGV]
local CHANNEL_PREFIX, TENANT = string.match(base, '^(.*):{([^{}]*)}:$')
local CHANNEL = CHANNEL_PREFIX .. ':agent-changes'

-- Derives the visible state from the manual base state and the counters; bumps the version,
-- records when the agent last became idle and publishes the agent's snapshot.
local function settle(akey, now)
  local f = redis.call('HMGET', akey, 'base', 'active:voice', 'active:chat',
    'reserved:voice', 'reserved:chat', 'wrapUntil', 'state', 'idleSince', 'cap:voice',
    'cap:chat', 'reason', 'missed', 'presence')
  local state
  if num(f[2]) + num(f[3]) > 0 then state = 'busy'
  elseif num(f[4]) + num(f[5]) > 0 then state = 'reserved'
  elseif f[1] ~= 'available' then state = f[1] or 'logged-out'
  elseif num(f[6]) > now then state = 'wrap-up'
  else state = 'available' end
  local idle = num(f[8])
  if state == 'available' and f[7] ~= 'available' then
    -- A wrap-up the sweep ends late was over at wrapUntil, not at the sweep.
    local wrap = num(f[6])
    if f[7] == 'wrap-up' and wrap > 0 and wrap <= now then idle = wrap else idle = now end
    redis.call('HSET', akey, 'idleSince', idle)
  end
  redis.call('HSET', akey, 'state', state)
  local version = redis.call('HINCRBY', akey, 'version', 1)
  redis.call('PUBLISH', CHANNEL, cjson.encode({
    tenantId = TENANT, agentId = string.sub(akey, #base + 7), state = state,
    manualState = f[1] or 'logged-out', reason = f[11] or '', version = version,
    active = { voice = num(f[2]), chat = num(f[3]) },
    reserved = { voice = num(f[4]), chat = num(f[5]) },
    capacity = { voice = num(f[9]), chat = num(f[10]) },
    idleSince = idle, missedOffers = num(f[12]), presence = f[13] or '', origin = ORIGIN }))
  return state
end

-- Forgets the interaction's offer group once nothing is offered nor assigned.
local function tidy_interaction(iid)
  local ix = base .. 'ix:' .. iid
  if redis.call('SCARD', ix .. ':offers') == 0 then
    local f = redis.call('HMGET', ix, 'agent', 'ended')
    if not f[1] and not f[2] then redis.call('DEL', ix) end
  end
end

-- Closes an open reservation as 'rejected', 'expired' or 'cancelled'. Rejected and expired offers
-- count as missed; maxMissed of them in a row pause the agent. Returns nil if it was not open.
local function close_offer(rid, outcome, now)
  local rkey = base .. 'res:' .. rid
  local r = redis.call('HMGET', rkey, 'status', 'agent', 'interaction', 'channel', 'maxMissed')
  if r[1] ~= 'open' then return nil end
  local akey = base .. 'agent:' .. r[2]
  redis.call('HSET', rkey, 'status', outcome)
  redis.call('PEXPIRE', rkey, KEEP_MS)
  redis.call('ZREM', base .. 'deadlines', rid)
  redis.call('SREM', akey .. ':res', rid)
  redis.call('SREM', base .. 'ix:' .. r[3] .. ':offers', rid)
  dec(akey, 'reserved:' .. r[4])
  local paused = false
  if outcome ~= 'cancelled' then
    local missed = redis.call('HINCRBY', akey, 'missed', 1)
    local k = num(r[5])
    if k > 0 and missed >= k and redis.call('HGET', akey, 'base') == 'available' then
      redis.call('HSET', akey, 'base', 'not-ready', 'reason', 'missed-offers')
      paused = true
    end
  end
  local state = settle(akey, now)
  tidy_interaction(r[3])
  return { reservationId = rid, agentId = r[2], interactionId = r[3], channel = r[4],
    outcome = outcome, paused = paused, agentState = state }
end
`;
