import type { Redis } from 'ioredis';
import type { AnyEvent, EventOf } from '@ccx/contracts';

/**
 * The presence register: the latest Teams presence of every user of a tenant, written by the
 * publisher of `presence.changed` before the event's jobs are added. Consumers run concurrently,
 * so a decision may run before the event is handled; reading the register (e.g. inside the
 * routing engine's reserve script) never misses a presence that was already published.
 *
 * Hash `<prefix>:{<tenantId>}:presence`, field = userId, value = `<availability>|<activity>|<ms>`
 * (ms = the event's occurredAt). The `{tenantId}` hash tag is the one of the routing engine's
 * reservation keys, so one Lua script may read both in a Redis Cluster.
 */
export function presenceRegisterKey(prefix: string, tenantId: string): string {
  if (!tenantId || /[{}]/.test(tenantId)) throw new Error(`invalid tenant id "${tenantId}"`);
  return `${prefix}:{${tenantId}}:presence`;
}

export interface RegisteredPresence {
  availability: string;
  activity: string;
  /** occurredAt of the event that wrote it, in ms since the epoch. */
  at: number;
}

export function encodePresence(presence: RegisteredPresence): string {
  return `${presence.availability}|${presence.activity}|${presence.at}`;
}

/** Parses a register value; the activity may itself contain `|` (first and last split only). */
export function decodePresence(value: string): RegisteredPresence | null {
  const first = value.indexOf('|');
  const last = value.lastIndexOf('|');
  if (first < 0 || last === first) return null;
  const at = Number(value.slice(last + 1));
  if (!Number.isFinite(at)) return null;
  return { availability: value.slice(0, first), activity: value.slice(first + 1, last), at };
}

/**
 * KEYS[1] = register; ARGV = (userId, value, ms) triples in publish order. A value is written
 * only if its time is not older than the stored one (Graph notifications arrive out of order).
 */
const LUA_WRITE = `
local written = 0
for i = 1, #ARGV, 3 do
  local stored = redis.call('HGET', KEYS[1], ARGV[i])
  local at = stored and tonumber(string.match(stored, '|(%d+)$')) or nil
  if not at or tonumber(ARGV[i + 2]) >= at then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    written = written + 1
  end
end
return written
`;

type WriteScript = (key: string, ...args: (string | number)[]) => Promise<number>;
type RegisterRedis = Redis & { ccxPresenceWrite: WriteScript };

function scripted(redis: Redis): RegisterRedis {
  if (!('ccxPresenceWrite' in redis)) {
    redis.defineCommand('ccxPresenceWrite', { numberOfKeys: 1, lua: LUA_WRITE });
  }
  return redis as RegisterRedis;
}

const isPresenceChanged = (event: AnyEvent): event is EventOf<'presence.changed'> =>
  event.name === 'presence.changed';

/**
 * Writes the presence of every `presence.changed` among the events (one script per tenant).
 * Resolves at once when there is none. Returns how many values were written (not stale).
 */
export async function registerPresence(
  redis: Redis,
  prefix: string,
  events: readonly AnyEvent[],
): Promise<number> {
  const byTenant = new Map<string, (string | number)[]>();
  for (const event of events) {
    if (!isPresenceChanged(event)) continue;
    const at = Date.parse(event.occurredAt);
    const { userId, availability, activity } = event.data;
    const args = byTenant.get(event.tenantId) ?? [];
    args.push(userId, encodePresence({ availability, activity, at }), at);
    byTenant.set(event.tenantId, args);
  }
  if (byTenant.size === 0) return 0;
  const client = scripted(redis);
  const written = await Promise.all(
    [...byTenant].map(([tenantId, args]) =>
      client.ccxPresenceWrite(presenceRegisterKey(prefix, tenantId), ...args),
    ),
  );
  return written.reduce((sum, n) => sum + n, 0);
}

/** The registered presence of each user asked for (users never registered are left out). */
export async function readPresence(
  redis: Redis,
  prefix: string,
  tenantId: string,
  userIds: readonly string[],
): Promise<Map<string, RegisteredPresence>> {
  const found = new Map<string, RegisteredPresence>();
  if (userIds.length === 0) return found;
  const values = await redis.hmget(presenceRegisterKey(prefix, tenantId), ...userIds);
  values.forEach((value, i) => {
    const userId = userIds[i];
    const presence = value === null ? null : decodePresence(value);
    if (userId !== undefined && presence) found.set(userId, presence);
  });
  return found;
}
