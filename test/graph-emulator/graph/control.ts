import type { EmulatorContext } from '../context';
import { Delivery, type DeliveryLogEntry, type DeliveryOptions } from './delivery';
import { payloadBuilder } from './notifications';
import { PresenceApi } from './presence';
import { PresenceStore, type PresenceView } from './presence-store';
import { runBatch } from './batch';
import { GraphRouter } from './router';
import { Subscriptions, type Subscription } from './subscriptions';
import { Throttle, type RequestCounts, type ThrottleBudget } from './throttling';

/**
 * The emulated Graph service and its test API (used directly by tests, not over HTTP): play the
 * user's Teams clients, steer delivery, force throttling, read counters. Time-driven work (session
 * fading and expiry, subscription expiry, reauthorization, retries) runs on a timer against the
 * emulator clock; `flush()` runs it at once and waits until due deliveries are done.
 */
export class GraphControl {
  readonly presence: PresenceStore;
  readonly subscriptions: Subscriptions;
  readonly throttle: Throttle;
  readonly delivery: Delivery;
  readonly router: GraphRouter;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly ctx: EmulatorContext) {
    this.throttle = new Throttle(ctx.clock);
    this.delivery = new Delivery(ctx.clock, payloadBuilder(ctx));
    this.subscriptions = new Subscriptions(ctx, this.delivery);
    this.presence = new PresenceStore(ctx.clock, (view) => this.subscriptions.notify(view));
    const presenceApi = new PresenceApi(ctx, this.presence);
    this.router = new GraphRouter(
      ctx,
      this.throttle,
      [...presenceApi.routes(), ...this.subscriptions.routes()],
      runBatch,
    );
    this.timer = setInterval(() => this.tick(), 50);
    this.timer.unref();
  }

  /** A Teams client of the user (desktop by default) shows this state until it ends. */
  setClientSession(
    userId: string,
    availability: string,
    activity: string,
    clientId = 'desktop',
  ): PresenceView {
    const user = this.user(userId);
    this.presence
      .user(user.id, user.tenantId)
      .setClient(clientId, { availability, activity }, this.ctx.clock.now());
    return this.presence.refresh(user.id, user.tenantId);
  }

  /** The user closes one Teams client (or all of them). */
  endClientSession(userId: string, clientId?: string): PresenceView {
    const user = this.user(userId);
    this.presence.user(user.id, user.tenantId).endClient(clientId);
    return this.presence.refresh(user.id, user.tenantId);
  }

  setStatusMessage(userId: string, message: string | null): PresenceView {
    const user = this.user(userId);
    this.presence.user(user.id, user.tenantId).statusMessage = message;
    return this.presence.refresh(user.id, user.tenantId);
  }

  /** What Graph shows for the user now. */
  presenceOf(userId: string): PresenceView {
    const user = this.user(userId);
    return this.presence.refresh(user.id, user.tenantId);
  }

  subscription(id: string): Subscription | undefined {
    return this.subscriptions.get(id);
  }

  listSubscriptions(): Subscription[] {
    return this.subscriptions.all();
  }

  requireReauthorization(subscriptionId: string, graceMs = 0): void {
    this.subscriptions.requireReauthorization(subscriptionId, graceMs);
  }

  removeSubscription(subscriptionId: string): void {
    this.subscriptions.remove(subscriptionId);
  }

  signalMissed(subscriptionId: string): void {
    this.subscriptions.missed(subscriptionId);
  }

  pauseDelivery(): void {
    this.delivery.pause();
  }

  resumeDelivery(): void {
    this.delivery.resume();
  }

  /** The next `n` notification POSTs go to a URL where nothing listens (and are retried later). */
  failNextDeliveries(n: number): void {
    this.delivery.failNext(n);
  }

  deliveryLog(): DeliveryLogEntry[] {
    return [...this.delivery.log];
  }

  /** Trusts the CA of the subscribers' HTTPS notification endpoints. */
  trustCa(pem: string): void {
    this.delivery.trustCa(pem);
  }

  configureDelivery(options: Partial<DeliveryOptions>): void {
    this.delivery.options = { ...this.delivery.options, ...options };
  }

  configureThrottle(budget: ThrottleBudget): void {
    this.throttle.configure(budget);
  }

  /** Every request (of one tenant, or of all) gets 429 for `seconds` of emulator time. */
  forceThrottle(seconds: number, tenantId?: string): void {
    this.throttle.forceStorm(seconds, tenantId);
  }

  requestCounts(): RequestCounts {
    return this.throttle.requestCounts();
  }

  resetRequestCounts(): void {
    this.throttle.resetCounts();
  }

  /** Runs the time-driven work now (after clock.advance) and waits for due deliveries. */
  async flush(): Promise<void> {
    this.tick();
    while (this.delivery.busy()) await new Promise((r) => setTimeout(r, 5));
  }

  /** Stops the timer and closes delivery connections; the emulator's close() calls it too. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.delivery.close();
  }

  private tick(): void {
    this.presence.sweep();
    this.subscriptions.sweep();
    this.delivery.kick();
  }

  private user(userId: string): { id: string; tenantId: string } {
    const user = this.ctx.directory.userById(userId);
    if (!user) throw new Error(`no user ${userId}`);
    return user;
  }
}
