import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LUA_ACCEPT } from './lua-accept';
import { LUA_CLOSE_OFFER } from './lua-close-offer';
import { LUA_RELEASE } from './lua-release';
import { LUA_RESERVE } from './lua-reserve';
import { LUA_SET_AGENT } from './lua-set-agent';
import { LUA_SWEEP } from './lua-sweep';
import type {
  AcceptResult,
  AgentInput,
  AgentLive,
  AgentState,
  Channel,
  ClosedOffer,
  CloseResult,
  ManualAgentState,
  ReleaseResult,
  Reservation,
  ReserveRequest,
  ReserveResult,
} from './types';

type Script = (base: string, ...args: (string | number)[]) => Promise<string>;
type ScriptName =
  | 'ccxResSetAgent'
  | 'ccxResReserve'
  | 'ccxResAccept'
  | 'ccxResClose'
  | 'ccxResRelease'
  | 'ccxResSweep';
type ScriptedRedis = Redis & Record<ScriptName, Script>;

const SCRIPTS: Record<ScriptName, string> = {
  ccxResSetAgent: LUA_SET_AGENT,
  ccxResReserve: LUA_RESERVE,
  ccxResAccept: LUA_ACCEPT,
  ccxResClose: LUA_CLOSE_OFFER,
  ccxResRelease: LUA_RELEASE,
  ccxResSweep: LUA_SWEEP,
};

/** Registers the scripts once per client (sent by EVALSHA, loaded on first NOSCRIPT). */
function scripted(redis: Redis): ScriptedRedis {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return redis as ScriptedRedis;
}

const SWEEP_BATCH = 500;

// cjson encodes an empty Lua table as {}, never [].
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/**
 * Live agent state and offers in Redis. Every change is one Lua script over one tenant's keys,
 * so routing replicas racing on the same agents never reserve one beyond capacity, and every
 * offer has a deadline that `expire` enforces even if the replica that made it died.
 */
export class ReservationStore {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.redis = scripted(redis);
  }

  /** `<prefix>:{<tenantId>}:` — the hash tag keeps a tenant's keys in one Cluster slot. */
  private base(tenantId: string): string {
    if (!tenantId || /[{}]/.test(tenantId)) throw new Error(`invalid tenant id "${tenantId}"`);
    return `${this.prefix}:{${tenantId}}:`;
  }

  private get tenantsKey(): string {
    return `${this.prefix}:tenants`;
  }

  async setAgent(
    tenantId: string,
    agentId: string,
    input: AgentInput,
  ): Promise<{ ok: true; state: AgentState; version: number } | { ok: false; reason: string }> {
    const { voice, chat } = input.capacity;
    if (![voice, chat].every((n) => Number.isInteger(n) && n >= 0)) {
      throw new Error('capacity must be whole numbers >= 0');
    }
    const base = this.base(tenantId);
    await this.redis.sadd(this.tenantsKey, tenantId);
    const raw = await this.redis.ccxResSetAgent(
      base,
      agentId,
      input.state,
      voice,
      chat,
      input.presence,
      input.reason ?? '',
      this.clock(),
    );
    return JSON.parse(raw) as { ok: true; state: AgentState; version: number };
  }

  async getAgent(tenantId: string, agentId: string): Promise<AgentLive | null> {
    const base = this.base(tenantId);
    const akey = `${base}agent:${agentId}`;
    // One MULTI so the counters and the set of open offers are read at the same instant.
    const [[, hash], [, rids]] = ((await this.redis
      .multi()
      .hgetall(akey)
      .smembers(`${akey}:res`)
      .exec()) ?? [
      [null, {}],
      [null, []],
    ]) as [[unknown, Record<string, string>], [unknown, string[]]];
    if (!hash['base']) return null;
    const pipeline = this.redis.pipeline();
    for (const rid of rids) pipeline.hgetall(`${base}res:${rid}`);
    const rows = ((await pipeline.exec()) ?? []).map(([, row]) => row as Record<string, string>);
    const reservations: Reservation[] = rows
      .map((row, i) => ({ row, rid: rids[i] ?? '' }))
      .filter(({ row }) => row['status'] === 'open')
      .map(({ row, rid }) => ({
        reservationId: rid,
        agentId,
        interactionId: row['interaction'] ?? '',
        channel: row['channel'] as Channel,
        deadline: Number(row['deadline']),
        ...(row['group'] ? { groupId: row['group'] } : {}),
      }));
    const n = (field: string) => Number(hash[field] ?? 0);
    const wrapUpUntil = n('wrapUntil');
    let state = hash['state'] as AgentState;
    // A wrap-up that ended since the last sweep is reported as what it has become.
    if (state === 'wrap-up' && wrapUpUntil <= this.clock()) state = 'available';
    return {
      agentId,
      state,
      manualState: hash['base'] as ManualAgentState,
      reason: hash['reason'] ?? '',
      presence: hash['presence'] ?? '',
      capacity: { voice: n('cap:voice'), chat: n('cap:chat') },
      active: { voice: n('active:voice'), chat: n('active:chat') },
      reserved: { voice: n('reserved:voice'), chat: n('reserved:chat') },
      missedOffers: n('missed'),
      version: n('version'),
      wrapUpUntil,
      reservations,
    };
  }

  async reserve(
    tenantId: string,
    agentId: string,
    request: ReserveRequest,
  ): Promise<ReserveResult> {
    if (!(request.ttlMs > 0)) throw new Error('ttlMs must be > 0');
    const raw = await this.redis.ccxResReserve(
      this.base(tenantId),
      agentId,
      request.reservationId ?? randomUUID(),
      request.interactionId,
      request.channel,
      Math.ceil(request.ttlMs),
      this.clock(),
      request.groupId ?? '',
      request.maxMissedOffers ?? 0,
      request.requirePresence ?? '',
    );
    return JSON.parse(raw) as ReserveResult;
  }

  async accept(tenantId: string, reservationId: string): Promise<AcceptResult> {
    const raw = await this.redis.ccxResAccept(this.base(tenantId), reservationId, this.clock());
    const result = JSON.parse(raw) as AcceptResult;
    if (!result.ok) return result;
    return { ...result, cancelled: this.offers(tenantId, result.cancelled) };
  }

  reject(tenantId: string, reservationId: string): Promise<CloseResult> {
    return this.close(tenantId, reservationId, 'rejected');
  }

  /** The offer timed out (as seen by whoever timed it); `expire` does the same for all due ones. */
  timeout(tenantId: string, reservationId: string): Promise<CloseResult> {
    return this.close(tenantId, reservationId, 'expired');
  }

  private async close(
    tenantId: string,
    reservationId: string,
    outcome: 'rejected' | 'expired',
  ): Promise<CloseResult> {
    const raw = await this.redis.ccxResClose(
      this.base(tenantId),
      reservationId,
      outcome,
      this.clock(),
    );
    const result = JSON.parse(raw) as {
      changed: boolean;
      released?: Omit<ClosedOffer, 'tenantId'>;
    };
    return result.released
      ? { changed: result.changed, released: { tenantId, ...result.released } }
      : { changed: result.changed };
  }

  /** The interaction ended: frees its offers and active slot; wrap-up for wrapUpMs if given. */
  async release(
    tenantId: string,
    interactionId: string,
    options: { wrapUpMs?: number } = {},
  ): Promise<ReleaseResult> {
    const raw = await this.redis.ccxResRelease(
      this.base(tenantId),
      interactionId,
      this.clock(),
      Math.max(0, Math.ceil(options.wrapUpMs ?? 0)),
    );
    const result = JSON.parse(raw) as ReleaseResult;
    return {
      changed: result.changed,
      ...(result.agentId ? { agentId: result.agentId } : {}),
      cancelled: this.offers(tenantId, result.cancelled),
    };
  }

  /** Times out every reservation past its deadline (all tenants) and ends finished wrap-ups. */
  async expire(now: number = this.clock()): Promise<ClosedOffer[]> {
    const released: ClosedOffer[] = [];
    for (const tenantId of await this.redis.smembers(this.tenantsKey)) {
      const base = this.base(tenantId);
      for (;;) {
        const raw = await this.redis.ccxResSweep(base, now, SWEEP_BATCH);
        const batch = JSON.parse(raw) as { released: unknown; more: boolean };
        released.push(...this.offers(tenantId, batch.released));
        if (!batch.more) break;
      }
    }
    return released;
  }

  private offers(tenantId: string, value: unknown): ClosedOffer[] {
    return list<Omit<ClosedOffer, 'tenantId'>>(value).map((offer) => ({ tenantId, ...offer }));
  }
}
