import { LUA_COMMON } from './lua-common';

/**
 * Closes one open reservation as rejected or expired (a missed offer for the agent).
 * KEYS[1] = tenant key base; ARGV = reservationId, outcome ('rejected' | 'expired'), now.
 * Closing a reservation that is no longer open changes nothing.
 */
export const LUA_CLOSE_OFFER = `${LUA_COMMON}
local closed = close_offer(ARGV[1], ARGV[2], tonumber(ARGV[3]))
if not closed then return cjson.encode({ ok = true, changed = false }) end
return cjson.encode({ ok = true, changed = true, released = closed })
`;
