import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { subscribeAgentChanges, type AgentChangesSubscription } from './agent-changes';
import { scripted, type ScriptName, type ScriptedRedis } from './scripts';
import type {
  AcceptResult,
  ActiveInteraction,
  AgentChange,
  AgentInput,
  AgentLive,
  AgentState,
  Channel,
  ClosedOffer,
  CloseResult,
  ManualAgentState,
  ReleaseResult,
  Reservation,
  ReservationStatus,
  ReservationStoreOptions,
  ReserveRequest,
  ReserveResult,
} from './types';

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
  private readonly clock: () => number;
  private readonly presenceKey: ((tenantId: string) => string) | undefined;
  private readonly origin: string;

  /** The third argument may still be a bare clock (the first signature). */
  constructor(
    redis: Redis,
    private readonly prefix: string,
    options: ReservationStoreOptions | (() => number) = {},
  ) {
    this.redis = scripted(redis);
    const opts = typeof options === 'function' ? { clock: options } : options;
    this.clock = opts.clock ?? Date.now;
    this.presenceKey = opts.presenceKey;
    this.origin = opts.origin ?? '';
  }

  /** Runs a script; the origin goes last (LUA_COMMON reads it as ARGV[#ARGV]). */
  private script(name: ScriptName, base: string, ...args: (string | number)[]): Promise<string> {
    return this.redis[name](base, ...args, this.origin);
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
    const raw = await this.script(
      'ccxResSetAgent',
      base,
      agentId,
      input.state,
      voice,
      chat,
      input.presence,
      input.reason ?? '',
      this.clock(),
      input.teamsUserId ?? '',
      input.teamsUserId === undefined ? '0' : '1',
    );
    return JSON.parse(raw) as { ok: true; state: AgentState; version: number };
  }

  /** Sets the presence kept on the agent (used when the register has none for its Teams user). */
  async setPresence(
    tenantId: string,
    agentId: string,
    presence: string,
  ): Promise<{ ok: true; version: number } | { ok: false; reason: 'unknown-agent' }> {
    const raw = await this.script(
      'ccxResSetPresence',
      this.base(tenantId),
      agentId,
      presence,
      this.clock(),
    );
    return JSON.parse(raw) as
      { ok: true; version: number } | { ok: false; reason: 'unknown-agent' };
  }

  /** Ids of the interaction's open offers (several only for ring-all). */
  openOffers(tenantId: string, interactionId: string): Promise<string[]> {
    return this.redis.smembers(`${this.base(tenantId)}ix:${interactionId}:offers`);
  }

  /** One reservation by id, whatever its status; null when unknown. */
  async getReservation(
    tenantId: string,
    reservationId: string,
  ): Promise<(Reservation & { status: ReservationStatus }) | null> {
    const row = await this.redis.hgetall(`${this.base(tenantId)}res:${reservationId}`);
    if (!row['agent'] || !row['interaction']) return null;
    return {
      reservationId,
      agentId: row['agent'],
      interactionId: row['interaction'],
      channel: row['channel'] === 'chat' ? 'chat' : 'voice',
      deadline: Number(row['deadline'] ?? 0),
      status: (row['status'] ?? 'open') as ReservationStatus,
      ...(row['group'] ? { groupId: row['group'] } : {}),
    };
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
    let idleSince = n('idleSince');
    // A wrap-up that ended since the last sweep is reported as what it has become.
    if (state === 'wrap-up' && wrapUpUntil <= this.clock()) {
      state = 'available';
      idleSince = wrapUpUntil;
    }
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
      idleSince,
      ...(hash['teamsUser'] ? { teamsUserId: hash['teamsUser'] } : {}),
      reservations,
    };
  }

  async reserve(
    tenantId: string,
    agentId: string,
    request: ReserveRequest,
  ): Promise<ReserveResult> {
    if (!(request.ttlMs > 0)) throw new Error('ttlMs must be > 0');
    const register = request.requirePresence && this.presenceKey ? this.presenceKey(tenantId) : '';
    const raw = await this.script(
      'ccxResReserve',
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
      register,
    );
    return JSON.parse(raw) as ReserveResult;
  }

  async accept(tenantId: string, reservationId: string): Promise<AcceptResult> {
    const raw = await this.script('ccxResAccept', this.base(tenantId), reservationId, this.clock());
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
    const raw = await this.script(
      'ccxResClose',
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
    const raw = await this.script(
      'ccxResRelease',
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
        const raw = await this.script('ccxResSweep', base, now, SWEEP_BATCH);
        const batch = JSON.parse(raw) as { released: unknown; more: boolean };
        released.push(...this.offers(tenantId, batch.released));
        if (!batch.more) break;
      }
    }
    return released;
  }

  /** Accepted interactions not yet released, oldest first: reconcile them against live calls. */
  async activeInteractions(tenantId: string): Promise<ActiveInteraction[]> {
    const raw = await this.script('ccxResActive', this.base(tenantId));
    return list<ActiveInteraction>(JSON.parse(raw));
  }

  /**
   * Receives every change of any agent under this store's prefix (all tenants) on `subscriber`,
   * a connection used for pub/sub only. See agent-changes.ts for the delivery guarantee.
   */
  subscribeAgentChanges(
    subscriber: Redis,
    handler: (change: AgentChange) => void,
    onInvalid?: (message: string) => void,
  ): Promise<AgentChangesSubscription> {
    return subscribeAgentChanges(subscriber, this.prefix, handler, onInvalid);
  }

  private offers(tenantId: string, value: unknown): ClosedOffer[] {
    return list<Omit<ClosedOffer, 'tenantId'>>(value).map((offer) => ({ tenantId, ...offer }));
  }
}
