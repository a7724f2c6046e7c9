import type { GraphPresence, GraphSubscription, NewPresenceSubscription } from '@ccx/graph';
import { PresenceState, type PresenceUpdate } from './presence-state';
import { planSubscriptions } from './subscription-plan';

/** The Graph calls presence sync makes for one tenant (GraphPresenceApi). */
export interface PresenceGraph {
  getPresences(userIds: readonly string[]): Promise<GraphPresence[]>;
  subscribe(request: NewPresenceSubscription): Promise<GraphSubscription>;
  renew(subscriptionId: string, expirationDateTime: string): Promise<GraphSubscription>;
  reauthorize(subscriptionId: string): Promise<void>;
  unsubscribe(subscriptionId: string): Promise<void>;
}

/** A subscription as kept across restarts. */
export interface StoredSubscription {
  id: string;
  userIds: string[];
  expiresAt: number;
}

/** Where a tenant's subscriptions are kept, so a restart takes them over instead of adding more. */
export interface SubscriptionStore {
  load(tenantId: string): Promise<StoredSubscription[]>;
  save(tenantId: string, subscription: StoredSubscription): Promise<void>;
  remove(tenantId: string, subscriptionId: string): Promise<void>;
}

export interface TenantSyncOptions {
  tenantId: string;
  /** Where Graph posts change notifications; without it the tenant is only polled. */
  notificationUrl?: string;
  lifecycleNotificationUrl?: string;
  /** A secret per tenant, echoed by Graph in every notification. */
  clientState: string;
  /** Rich notifications (presence in the notification, encrypted to this certificate). */
  encryption?: { certificate: string; certificateId: string };
  /** Subscription lifetime; Graph allows at most 60 minutes for presence. Default 55 min. */
  lifetimeMs?: number;
  /** Renew when less than this is left. Default 20 min. */
  renewBeforeMs?: number;
  /** How often users without a working subscription are polled. Default 60 s. */
  pollIntervalMs?: number;
  /** After a failed subscription attempt, wait this long before the next. Default 60 s, doubling to 30 min. */
  retryMs?: number;
  now?: () => number;
  store?: SubscriptionStore;
  /** Called with every real change (not with repeats or stale updates). */
  onChange: (update: PresenceUpdate) => Promise<void>;
  /** Problems worth a log line (a refused notification, a failed renewal). */
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

interface LiveSubscription {
  id: string;
  userIds: ReadonlySet<string>;
  expiresAt: number;
}

export interface TenantSyncStats {
  tracked: number;
  subscriptions: number;
  subscribedUsers: number;
  polledUsers: number;
}

/**
 * Presence sync for one tenant: subscriptions of ≤ 650 users kept alive (renewed well before their
 * 60-minute limit, reauthorized when Graph asks), a poll of every user not covered by a working
 * subscription (at start, after a failure, after `missed`), and one `onChange` per real change.
 */
export class TenantPresenceSync {
  readonly state = new PresenceState();
  private tracked = new Set<string>();
  private readonly subs = new Map<string, LiveSubscription>();
  private readonly coveredBy = new Map<string, string>();
  /** Users to poll at the next pass whatever their coverage (start, `missed`, fetch-only notifications). */
  private readonly pollSoon = new Set<string>();
  private lastPollAt = Number.NEGATIVE_INFINITY;
  private nextSubscribeAt = 0;
  private failures = 0;
  private restored = false;
  private readonly now: () => number;

  constructor(
    private readonly graph: PresenceGraph,
    private readonly options: TenantSyncOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** The users this tenant tracks (agents and experts); new ones are polled at the next pass. */
  setTracked(userIds: Iterable<string>): void {
    const next = new Set(userIds);
    for (const id of next) if (!this.tracked.has(id)) this.pollSoon.add(id);
    for (const id of this.tracked) if (!next.has(id)) this.state.forget(id);
    this.tracked = next;
  }

  stats(): TenantSyncStats {
    const subscribed = [...this.tracked].filter((id) => this.isCovered(id)).length;
    return {
      tracked: this.tracked.size,
      subscriptions: this.subs.size,
      subscribedUsers: subscribed,
      polledUsers: this.tracked.size - subscribed,
    };
  }

  subscriptionIds(): string[] {
    return [...this.subs.keys()];
  }

  /** One pass: subscriptions made, renewed and retired, then the polls that are due. */
  async sync(): Promise<void> {
    if (!this.restored) await this.restore();
    await this.subscribe();
    await this.renew();
    await this.poll();
  }

  /**
   * A change notification for a subscription of ours (already checked by the caller: validation
   * tokens, HMAC, decryption). Returns false when it is not ours or its clientState is wrong.
   */
  async notified(
    subscriptionId: string,
    clientState: string | null | undefined,
    userId: string,
    presence: GraphPresence | undefined,
  ): Promise<boolean> {
    const sub = this.subs.get(subscriptionId);
    if (!sub || clientState !== this.options.clientState) {
      this.problem('notification refused: unknown subscription or wrong clientState', {
        subscriptionId,
      });
      return false;
    }
    if (!this.tracked.has(userId) || !sub.userIds.has(userId)) return true;
    if (!presence) {
      // A notification without resource data only says that something changed.
      this.pollSoon.add(userId);
      return true;
    }
    if (presence.id !== userId) {
      this.problem('notification refused: content is about another user', { subscriptionId });
      return false;
    }
    await this.apply(presence, 'notification');
    return true;
  }

  /** A lifecycle notification: reauthorize, or recover what a removed or missed one lost. */
  async lifecycle(
    subscriptionId: string,
    clientState: string | null | undefined,
    event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed',
  ): Promise<boolean> {
    const sub = this.subs.get(subscriptionId);
    if (!sub || clientState !== this.options.clientState) return false;
    if (event === 'reauthorizationRequired') {
      try {
        await this.graph.reauthorize(subscriptionId);
      } catch (err) {
        this.problem('reauthorization failed; the subscription will be replaced', {
          subscriptionId,
          error: String(err),
        });
        this.drop(subscriptionId);
      }
      return true;
    }
    if (event === 'subscriptionRemoved') this.drop(subscriptionId);
    for (const id of sub.userIds) if (this.tracked.has(id)) this.pollSoon.add(id);
    return true;
  }

  /** Deletes every subscription (tenant disconnected or service stopping). */
  /**
   * Stops following the tenant. `disconnect` (the tenant left, or nothing could take the
   * subscriptions over) deletes them on Graph's side; otherwise they stay, in the store, for the
   * next run to take over.
   */
  async close(disconnect = this.options.store === undefined): Promise<void> {
    if (!disconnect) return;
    for (const id of [...this.subs.keys()]) {
      this.drop(id);
      await this.graph.unsubscribe(id).catch(() => undefined);
    }
  }

  /**
   * Takes over the subscriptions a previous run made (still alive on Graph's side). Their users
   * are read at this pass, as changes while we were down were not received.
   */
  private async restore(): Promise<void> {
    const store = this.options.store;
    this.restored = true;
    if (!store) return;
    try {
      for (const sub of await store.load(this.tenantId)) {
        if (sub.expiresAt <= this.now()) {
          await store.remove(this.tenantId, sub.id);
          continue;
        }
        this.add(sub.id, sub.userIds, sub.expiresAt);
        for (const id of sub.userIds) this.pollSoon.add(id);
      }
    } catch (err) {
      this.problem('stored subscriptions could not be read', { error: String(err) });
    }
  }

  private async subscribe(): Promise<void> {
    this.expire();
    const notificationUrl = this.options.notificationUrl;
    if (notificationUrl === undefined || this.now() < this.nextSubscribeAt) return;
    const plan = planSubscriptions(
      [...this.subs.values()].map((s) => ({ id: s.id, userIds: s.userIds })),
      this.tracked,
    );
    for (const userIds of plan.create) {
      try {
        const made = await this.graph.subscribe({
          userIds,
          notificationUrl,
          ...(this.options.lifecycleNotificationUrl
            ? { lifecycleNotificationUrl: this.options.lifecycleNotificationUrl }
            : {}),
          expirationDateTime: new Date(this.now() + this.lifetime).toISOString(),
          clientState: this.options.clientState,
          ...(this.options.encryption ? { encryption: this.options.encryption } : {}),
        });
        this.add(made.id, userIds, Date.parse(made.expirationDateTime));
        // A change between the poll that follows and this subscription is notified; one before
        // it is caught by that poll.
        for (const id of userIds) this.pollSoon.add(id);
        this.failures = 0;
      } catch (err) {
        this.failures++;
        const wait = Math.min(
          (this.options.retryMs ?? 60_000) * 2 ** (this.failures - 1),
          1_800_000,
        );
        this.nextSubscribeAt = this.now() + wait;
        this.problem('subscription failed; polling meanwhile', {
          users: userIds.length,
          retryInMs: wait,
          error: String(err),
        });
        return;
      }
    }
    for (const id of plan.remove) {
      this.drop(id);
      await this.graph.unsubscribe(id).catch((err: unknown) =>
        this.problem('deleting a subscription failed', {
          subscriptionId: id,
          error: String(err),
        }),
      );
    }
  }

  private async renew(): Promise<void> {
    const renewBefore = this.options.renewBeforeMs ?? 20 * 60_000;
    for (const sub of [...this.subs.values()]) {
      if (sub.expiresAt - this.now() > renewBefore) continue;
      try {
        const renewed = await this.graph.renew(
          sub.id,
          new Date(this.now() + this.lifetime).toISOString(),
        );
        sub.expiresAt = Date.parse(renewed.expirationDateTime);
        const kept = { id: sub.id, userIds: [...sub.userIds], expiresAt: sub.expiresAt };
        this.persist((store) => store.save(this.tenantId, kept));
      } catch (err) {
        this.problem('renewal failed; the subscription will be replaced', {
          subscriptionId: sub.id,
          error: String(err),
        });
        this.drop(sub.id);
      }
    }
  }

  private async poll(): Promise<void> {
    const due = this.now() - this.lastPollAt >= (this.options.pollIntervalMs ?? 60_000);
    const users = new Set(this.pollSoon);
    if (due) for (const id of this.tracked) if (!this.isCovered(id)) users.add(id);
    this.pollSoon.clear();
    const wanted = [...users].filter((id) => this.tracked.has(id));
    if (due) this.lastPollAt = this.now();
    if (wanted.length === 0) return;
    try {
      const read = await this.graph.getPresences(wanted);
      await Promise.all(
        read.filter((p) => this.tracked.has(p.id)).map((p) => this.apply(p, 'poll')),
      );
    } catch (err) {
      for (const id of wanted) this.pollSoon.add(id);
      this.problem('presence poll failed', { users: wanted.length, error: String(err) });
    }
  }

  private async apply(presence: GraphPresence, source: 'notification' | 'poll'): Promise<void> {
    const update: PresenceUpdate = {
      userId: presence.id,
      availability: presence.availability,
      activity: presence.activity,
      ...(presence.sequenceNumber !== undefined ? { sequence: presence.sequenceNumber } : {}),
      observedAt: this.now(),
      source,
    };
    if (this.state.apply(update) === 'changed') await this.options.onChange(update);
  }

  private get lifetime(): number {
    return Math.min(this.options.lifetimeMs ?? 55 * 60_000, 60 * 60_000);
  }

  private isCovered(userId: string): boolean {
    const subId = this.coveredBy.get(userId);
    return subId !== undefined && this.subs.has(subId);
  }

  private add(id: string, userIds: readonly string[], expiresAt: number): void {
    this.subs.set(id, { id, userIds: new Set(userIds), expiresAt });
    for (const userId of userIds) this.coveredBy.set(userId, id);
    this.persist((store) => store.save(this.tenantId, { id, userIds: [...userIds], expiresAt }));
  }

  private persist(write: (store: SubscriptionStore) => Promise<void>): void {
    const store = this.options.store;
    if (!store) return;
    write(store).catch((err: unknown) =>
      this.problem('could not store a subscription', { error: String(err) }),
    );
  }

  private drop(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.subs.delete(id);
    this.persist((store) => store.remove(this.tenantId, id));
    for (const userId of sub.userIds) {
      if (this.coveredBy.get(userId) === id) this.coveredBy.delete(userId);
    }
  }

  /** Subscriptions past their expiry are gone on Graph's side too. */
  private expire(): void {
    for (const sub of [...this.subs.values()]) if (sub.expiresAt <= this.now()) this.drop(sub.id);
  }

  private problem(message: string, detail: Record<string, unknown>): void {
    this.options.onProblem?.(message, { tenantId: this.options.tenantId, ...detail });
  }
}
