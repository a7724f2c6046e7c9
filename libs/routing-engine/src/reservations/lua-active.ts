/**
 * Lists the accepted interactions not yet released, oldest first (reconciliation against live
 * calls). KEYS[1] = tenant key base. Read-only.
 */
export const LUA_ACTIVE = `
local base = KEYS[1]
local out = {}
local ids = redis.call('ZRANGE', base .. 'active', 0, -1, 'WITHSCORES')
for i = 1, #ids, 2 do
  local f = redis.call('HMGET', base .. 'ix:' .. ids[i], 'agent', 'channel')
  if f[1] then
    out[#out + 1] = { interactionId = ids[i], agentId = f[1], channel = f[2],
      since = tonumber(ids[i + 1]) }
  end
end
return cjson.encode(out)
`;
