// The routing service's engine, without Nest: the stores, the router, flows and commands, the
// bus subscriptions and the periodic work (timers, offer expiry, queue runs for max wait and
// escalation, statistics). The routing app builds one per process; tests and the benchmark too.
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AnyEvent } from '@ccx/contracts';
import { presenceRegisterKey, type EventBus, type Subscription } from '@ccx/event-bus';
import {
  subscribeAgentChanges,
  type AgentChangesSubscription,
} from '../reservations/agent-changes';
import type { AgentChange } from '../reservations/types';
import { ReservationStore } from '../reservations/reservation-store';
import { AgentMirror } from './agent-mirror';
import { RoutingCommands } from './commands';
import type { RuntimeDeps, RuntimeLog } from './deps';
import { TenantDirectory, type TenantRows } from './directory';
import { FlowHost } from './flow-host';
import { InteractionStore, type InteractionRecord } from './interaction-store';
import { lostCalls } from './lost-calls';
import { Router } from './router';
import { agentsByState, queueSnapshot } from './snapshot';
import { StatsStore } from './stats-store';
import { TimerStore } from './timers';
import { periodic, type Periodic } from './periodic';

export interface RuntimeOptions {
  redis: Redis;
  /** A connection for pub/sub only (agent change notifications). */
  subscriber: Redis;
  bus: EventBus;
  /** Prefix of the routing keys in Redis. */
  prefix: string;
  /** The bus's prefix (the presence register lives under it). */
  busPrefix: string;
  log: RuntimeLog;
  /** Bus consumer group; all replicas share it. */
  group?: string;
  concurrency?: number;
  now?: () => number;
  shortAbandonMs?: number;
  offerGraceMs?: number;
  commandTimeoutMs?: number;
  /** How often queues are run for max wait, escalation and hours (ms). */
  queueTickMs?: number;
  /** How often changed queues publish `queue.stats` (ms). */
  statsPushMs?: number;
  /** This replica's id (random by default): the origin of the agent changes it makes. */
  instance?: string;
}

/** Agent time is sampled this often for occupancy. */
const SAMPLE_MS = 5_000;
/** Queues sampled or pushed per step of the periodic work, with a turn of the loop between. */
const CHUNK = 100;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const ROUTED_EVENTS = [
  'call.offered',
  'call.answered',
  'call.connect-failed',
  'call.ended',
  'presence.changed',
  'media.dtmf-detected',
  'media.prompt-ended',
] as const;

/** A UUID (version 5 layout) derived from a name, so every replica gives one fact the same id. */
function uuidFrom(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export class RoutingRuntime {
  readonly deps: RuntimeDeps;
  readonly router: Router;
  readonly flows: FlowHost;
  readonly commands: RoutingCommands;
  private readonly tenants = new Map<string, TenantDirectory>();
  private readonly loops: Periodic[] = [];
  private subscription: Subscription | undefined;
  private changes: AgentChangesSubscription | undefined;

  /** Origin of this replica's agent changes: it announces those, the other replicas theirs. */
  readonly instance: string;

  constructor(private readonly options: RuntimeOptions) {
    const { redis, prefix } = options;
    this.instance = options.instance ?? randomUUID();
    this.deps = {
      bus: options.bus,
      redis,
      reservations: new ReservationStore(redis, prefix, {
        ...(options.now ? { clock: options.now } : {}),
        presenceKey: (tenantId) => presenceRegisterKey(options.busPrefix, tenantId),
        origin: this.instance,
      }),
      interactions: new InteractionStore(redis, prefix),
      timers: new TimerStore(redis, prefix),
      stats: new StatsStore(redis, prefix),
      mirror: new AgentMirror((t, a) => this.tenants.get(t)?.queuesOfAgent(a) ?? []),
      directory: (tenantId) => this.tenants.get(tenantId),
      now: options.now ?? Date.now,
      log: options.log,
      shortAbandonMs: options.shortAbandonMs ?? 5_000,
      offerGraceMs: options.offerGraceMs ?? 5_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 3_000,
    };
    this.router = new Router(this.deps);
    this.flows = new FlowHost(this.deps, this.router);
    this.router.flows = this.flows;
    this.commands = new RoutingCommands(this.deps, this.router, options.busPrefix);
  }

  /** Replaces a tenant's configuration (rows as the live projection holds them). */
  setTenant(tenantId: string, rows: TenantRows): TenantDirectory {
    const dir = new TenantDirectory(tenantId, rows);
    for (const e of dir.errors)
      this.options.log.warn({ tenantId, ...e }, 'configuration row left out of routing');
    this.tenants.set(tenantId, dir);
    this.deps.mirror.reindex(tenantId);
    return dir;
  }

  /**
   * Loads the live state of the tenant's agents into this replica's mirror. Notifications only
   * carry changes, so a replica that starts (or reconnects) after agents signed in reads them.
   */
  async syncAgents(tenantId: string): Promise<number> {
    const dir = this.tenants.get(tenantId);
    if (!dir) return 0;
    const ids = [...dir.agents.keys()];
    let loaded = 0;
    for (let i = 0; i < ids.length; i += 200) {
      const batch = await Promise.all(
        ids.slice(i, i + 200).map((id) => this.deps.reservations.getAgent(tenantId, id)),
      );
      for (const live of batch) {
        if (!live) continue;
        this.deps.mirror.apply({ tenantId, ...live });
        loaded++;
      }
    }
    return loaded;
  }

  dropTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  async handle(event: AnyEvent): Promise<void> {
    const r = this.router;
    switch (event.name) {
      case 'call.offered':
        return r.callOffered(event);
      case 'call.answered':
        return r.callAnswered(event);
      case 'call.connect-failed':
        return r.connectFailed(event);
      case 'call.ended':
        return r.callEnded(event);
      case 'presence.changed':
        return r.presenceChanged(event);
      case 'media.dtmf-detected':
        if (event.callId && event.data.leg === 'a')
          await this.flows.digit(event.tenantId, event.callId, event.data.digit);
        return;
      case 'media.prompt-ended':
        if (event.callId)
          await this.flows.promptEnded(
            event.tenantId,
            event.callId,
            event.data.prompt,
            event.data.reason,
          );
        return;
      default:
        return;
    }
  }

  /** Subscribes to the bus and agent changes, answers commands, and starts the periodic work. */
  async start(): Promise<Subscription[]> {
    const bus = this.options.bus;
    this.changes = await subscribeAgentChanges(
      this.options.subscriber,
      this.options.prefix,
      (change) => {
        void this.agentChanged(change);
      },
    );
    this.subscription = await bus.subscribe(
      this.options.group ?? 'routing',
      ROUTED_EVENTS,
      (event) => this.handle(event as AnyEvent),
      { concurrency: this.options.concurrency ?? 32 },
    );
    for (const tenantId of this.tenants.keys()) await this.syncAgents(tenantId);
    const c = this.commands;
    const handlers = await Promise.all([
      bus.handleCommand('routing.agent-state', (req) => c.agentState(req)),
      bus.handleCommand('routing.agent-status', (req) => c.agentStatus(req)),
      bus.handleCommand('routing.offer-response', (req) => c.offerResponse(req)),
      bus.handleCommand('routing.queue-stats', (req) => c.queueStats(req)),
      bus.handleCommand('routing.experts', (req) => c.experts(req)),
      bus.handleCommand('routing.expert-transfer', (req) => c.expertTransfer(req)),
      bus.handleCommand('routing.callback', (req) => c.callback(req)),
    ]);
    const log = (what: string) => (err: unknown) =>
      this.options.log.error({ err: String(err) }, `${what} failed`);
    this.loops.push(
      periodic(200, () => this.fastTick(), log('timer and offer sweep')),
      periodic(this.options.queueTickMs ?? 1_000, () => this.runQueues(), log('queue run')),
      periodic(this.options.statsPushMs ?? 2_000, () => this.pushStats(), log('queue.stats push')),
      periodic(SAMPLE_MS, () => this.sampleAgents(), log('agent time sampling')),
      periodic(60_000, async () => void (await this.reconcile()), log('reconciliation')),
    );
    return [this.subscription, ...handlers];
  }

  async stop(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
    await this.subscription?.close();
    await this.changes?.close();
  }

  private async agentChanged(change: AgentChange) {
    const before = this.deps.mirror.get(change.tenantId, change.agentId).state;
    try {
      await this.router.agentChanged(change);
      if (before === change.state) return;
      // Every replica sees the change; the one that made it announces it. A change of unknown
      // origin (a store without one) is announced by all, and its event id makes the second
      // publish a no-op for the bus's consumers.
      if (change.origin !== '' && change.origin !== this.instance) return;
      await this.options.bus.publish('agent.state-changed', {
        tenantId: change.tenantId,
        eventId: uuidFrom(`agent:${change.tenantId}:${change.agentId}:${change.version}`),
        data: {
          agentId: change.agentId,
          state: change.state,
          previous: before,
          version: change.version,
          ...(change.reason ? { reason: change.reason } : {}),
        },
      });
    } catch (err) {
      this.options.log.error(
        { err: String(err), agentId: change.agentId },
        'agent change not handled',
      );
    }
  }

  /** Due flow timers and offers past their deadline (the SBC normally reports first). */
  async fastTick(): Promise<void> {
    const now = this.deps.now();
    for (const due of await this.deps.timers.claimDue(now))
      await this.flows.timer(due.tenantId, due.interactionId, due.timerId);
    for (const offer of await this.deps.reservations.expire(now))
      await this.router.offers.expired(offer);
  }

  /** Runs every queue with someone waiting: max wait, escalation steps and hours take effect. */
  async runQueues(): Promise<void> {
    for (const tenantId of this.tenants.keys())
      for (const queueId of await this.deps.interactions.activeQueues(tenantId)) {
        this.router.touched.add(`${tenantId}/${queueId}`);
        await this.router.run(tenantId, queueId);
      }
  }

  /** One replica at a time (a lock per period): true when this one should do the work. */
  private async leader(task: string, ms: number): Promise<boolean> {
    const key = `${this.options.prefix}:lead:${task}`;
    return (await this.deps.redis.set(key, '1', 'PX', ms - 100, 'NX')) === 'OK';
  }

  /**
   * Staffed and busy agent time per queue for the historical intervals (occupancy), sampled
   * every few seconds by one replica from the agent mirror.
   */
  async sampleAgents(): Promise<void> {
    if (!(await this.leader('sample', SAMPLE_MS))) return;
    const now = this.deps.now();
    for (const [tenantId, dir] of this.tenants) {
      let chunk: Parameters<StatsStore['addAgentTime']>[1][number][] = [];
      for (const [queueId, entry] of dir.queues) {
        const agents = agentsByState(this.deps, dir, queueId);
        const busy = (agents['busy'] ?? 0) + (agents['wrap-up'] ?? 0);
        const staffed = dir.candidatesOf(queueId).length - (agents['logged-out'] ?? 0);
        if (staffed === 0) continue;
        const timeZone = entry.config.hours?.timeZone ?? 'UTC';
        chunk.push({ queueId, staffedMs: staffed * SAMPLE_MS, busyMs: busy * SAMPLE_MS, timeZone });
        if (chunk.length < CHUNK) continue;
        // A chunk per script call, and a turn of the event loop between them: a tenant with
        // thousands of queues does not hold up decisions (nor Redis) while it is sampled.
        await this.deps.stats.addAgentTime(tenantId, chunk, now);
        chunk = [];
        await nextTurn();
      }
      await this.deps.stats.addAgentTime(tenantId, chunk, now);
    }
  }

  /**
   * Frees agents still holding an interaction routing knows has ended (a release that failed
   * half-way), and ends the connected interactions whose call the SBC no longer holds (a hang-up
   * that never reached the bus: lost-calls.ts) as if the caller had hung up. Once a minute, by
   * one replica; returns how many interactions it freed or ended.
   */
  async reconcile(): Promise<number> {
    if (!(await this.leader('reconcile', 60_000))) return 0;
    return this.reconcileNow();
  }

  /** One reconciliation pass, whoever leads (reconcile() runs it once a minute on one replica). */
  async reconcileNow(): Promise<number> {
    let freed = 0;
    const connected: InteractionRecord[] = [];
    for (const tenantId of this.tenants.keys()) {
      for (const active of await this.deps.reservations.activeInteractions(tenantId)) {
        const rec = await this.deps.interactions.get(tenantId, active.interactionId);
        if (rec?.state === 'connected') connected.push(rec);
        if (rec && rec.state !== 'ended' && rec.state !== 'transferred') continue;
        await this.deps.reservations.release(tenantId, active.interactionId);
        freed++;
      }
    }
    if (freed > 0) this.options.log.warn({ freed }, 'agents freed from ended interactions');
    const lost = await lostCalls(
      {
        bus: this.options.bus,
        redis: this.deps.redis,
        missingKey: (sbcId) => `${this.options.prefix}:sbc-missing:${sbcId}`,
        log: this.options.log,
        timeoutMs: this.deps.commandTimeoutMs,
      },
      connected,
    );
    for (const rec of lost) await this.router.endWithoutCall(rec.tenantId, rec.id);
    if (lost.length > 0)
      this.options.log.warn(
        { ended: lost.length },
        'interactions of calls the SBC no longer has ended',
      );
    return freed + lost.length;
  }

  /** Publishes `queue.stats` for the queues that changed since the last push. */
  async pushStats(): Promise<void> {
    const touched = [...this.router.touched];
    this.router.touched.clear();
    const now = this.deps.now();
    for (const [i, key] of touched.entries()) {
      if (i > 0 && i % CHUNK === 0) await nextTurn();
      const [tenantId = '', queueId = ''] = key.split('/');
      const dir = this.tenants.get(tenantId);
      if (!dir?.queues.has(queueId)) continue;
      await this.options.bus.publish('queue.stats', {
        tenantId,
        data: await queueSnapshot(this.deps, dir, queueId, now),
      });
    }
  }
}
