import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { authorize, type Caller, type Permissions } from './auth';
import type { Delivery } from './delivery';
import { parseEncryptionCertificate, type EncryptionCertificate } from './encryption';
import { badRequest, graphError, noContent, notFound, ok, type GraphResponse } from './http';
import { lifecycleNotification, presenceNotification, type LifecycleEvent } from './notifications';
import type { PresenceView } from './presence-store';
import type { Route } from './router';
import {
  CLIENT_STATE_MAX,
  createSubscriptionBody,
  httpsUrl,
  presenceUserIds,
  PRESENCE_MAX_EXPIRATION_MS,
  updateSubscriptionBody,
} from './subscription-request';

/**
 * Presence subscriptions: create (after the validation handshake), read, renew, delete,
 * reauthorize; expiry on the emulator clock; change notifications on every presence change;
 * lifecycle notifications.
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 * https://learn.microsoft.com/graph/api/subscription-update
 * https://learn.microsoft.com/graph/api/subscription-reauthorize
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export interface Subscription {
  id: string;
  tenantId: string;
  applicationId: string;
  creatorId: string;
  resource: string;
  userIds: Set<string>;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryption?: EncryptionCertificate;
  latestSupportedTlsVersion: string;
  expiresAt: number;
  /** Expiry of the access token that created (or last reauthorized) the subscription. */
  tokenExpiresAt: number;
  /** A reauthorizationRequired notification went out for the current token. */
  reauthorizationSent: boolean;
  /** From then on change notifications are lost until the app reauthorizes. */
  pausedFrom?: number;
}

/** Presence subscriptions need delegated Presence.Read.All; application permissions: none. */
const PRESENCE_SUBSCRIPTION: Permissions = { delegated: ['Presence.Read.All'], application: [] };
/** reauthorizationRequired goes out this long before the creating token expires. */
const REAUTHORIZE_BEFORE_MS = 15 * 60_000;

export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly delivery: Delivery,
  ) {}

  all(): Subscription[] {
    return [...this.byId.values()];
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id);
  }

  /** Queues a change notification to every live subscription that names the user. */
  notify(view: PresenceView): void {
    const now = this.ctx.clock.now();
    for (const sub of this.byId.values()) {
      if (sub.tenantId !== view.tenantId || !sub.userIds.has(view.id)) continue;
      if (sub.expiresAt <= now) continue;
      if (sub.pausedFrom !== undefined && sub.pausedFrom <= now) continue;
      this.delivery.enqueue('notification', sub.notificationUrl, {
        notification: presenceNotification(sub, view, (ms) => this.ctx.clock.iso(ms)),
        ...(sub.encryption
          ? { tokenFor: { appId: sub.applicationId, tenantId: sub.tenantId } }
          : {}),
        onDrop: () => this.lifecycle(sub, 'missed'),
      });
    }
  }

  /** Sends a lifecycle notification, if the subscription has a lifecycleNotificationUrl. */
  lifecycle(sub: Subscription, event: LifecycleEvent): void {
    if (!sub.lifecycleNotificationUrl) return;
    this.delivery.enqueue('lifecycle', sub.lifecycleNotificationUrl, {
      notification: lifecycleNotification(sub, event, (ms) => this.ctx.clock.iso(ms)),
      ...(sub.encryption ? { tokenFor: { appId: sub.applicationId, tenantId: sub.tenantId } } : {}),
    });
  }

  /**
   * Test hook: Graph asks for reauthorization now; change notifications stop after `graceMs`
   * (default at once) until the app calls reauthorize or renews.
   */
  requireReauthorization(id: string, graceMs = 0): void {
    const sub = this.must(id);
    sub.pausedFrom = this.ctx.clock.now() + graceMs;
    sub.reauthorizationSent = true;
    this.lifecycle(sub, 'reauthorizationRequired');
  }

  /** Test hook: Graph removes the subscription and says so (subscriptionRemoved). */
  remove(id: string): void {
    const sub = this.must(id);
    this.byId.delete(id);
    this.lifecycle(sub, 'subscriptionRemoved');
  }

  /** Test hook: Graph reports that notifications were missed. */
  missed(id: string): void {
    this.lifecycle(this.must(id), 'missed');
  }

  /**
   * Time-driven work: expired subscriptions disappear (silently, as Graph does); a
   * reauthorizationRequired goes out 15 minutes before the creating token expires, and once it
   * has expired without reauthorization notifications stop.
   */
  sweep(): void {
    const now = this.ctx.clock.now();
    for (const sub of [...this.byId.values()]) {
      if (sub.expiresAt <= now) {
        this.byId.delete(sub.id);
        continue;
      }
      const reauthAt = sub.tokenExpiresAt - REAUTHORIZE_BEFORE_MS;
      if (!sub.reauthorizationSent && now >= reauthAt && sub.expiresAt > reauthAt) {
        sub.reauthorizationSent = true;
        sub.pausedFrom = sub.tokenExpiresAt;
        this.lifecycle(sub, 'reauthorizationRequired');
      }
    }
  }

  routes(): Route[] {
    return [
      { method: 'POST', pattern: /^\/subscriptions$/, handler: (r, c) => this.create(r.body, c) },
      { method: 'GET', pattern: /^\/subscriptions$/, handler: (_r, c) => this.list(c) },
      {
        method: 'GET',
        pattern: /^\/subscriptions\/([^/]+)$/,
        handler: (_r, c, [id]) => this.read(c, id ?? ''),
      },
      {
        method: 'PATCH',
        pattern: /^\/subscriptions\/([^/]+)$/,
        handler: (r, c, [id]) => this.renew(c, id ?? '', r.body),
      },
      {
        method: 'DELETE',
        pattern: /^\/subscriptions\/([^/]+)$/,
        handler: (_r, c, [id]) => this.delete(c, id ?? ''),
      },
      {
        method: 'POST',
        pattern: /^\/subscriptions\/([^/]+)\/reauthorize$/,
        handler: (_r, c, [id]) => this.reauthorize(c, id ?? ''),
      },
    ];
  }

  private async create(body: unknown, caller: Caller): Promise<GraphResponse> {
    const parsed = createSubscriptionBody.safeParse(body);
    if (!parsed.success) {
      return badRequest(
        `Invalid subscription: ${parsed.error.issues[0]?.message ?? 'bad body'}`,
        'InvalidRequest',
      );
    }
    const b = parsed.data;
    const ids = presenceUserIds(b.resource);
    if (typeof ids === 'string') return badRequest(ids, 'InvalidRequest');
    const denied = authorize(caller, PRESENCE_SUBSCRIPTION);
    if (denied) return denied;
    if (b.changeType !== 'updated') {
      return badRequest(
        `ChangeType '${b.changeType}' is not supported for presence; use 'updated'.`,
        'InvalidRequest',
      );
    }
    for (const id of ids) {
      if (!this.ctx.directory.findUser(caller.tenantId, id)) {
        return graphError(403, 'Forbidden', `User '${id}' is not in the caller's tenant.`);
      }
    }
    const urlProblem =
      httpsUrl(b.notificationUrl, 'notificationUrl') ??
      (b.lifecycleNotificationUrl
        ? httpsUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl')
        : undefined);
    if (urlProblem) return badRequest(urlProblem, 'InvalidRequest');
    const expiry = this.expiry(b.expirationDateTime);
    if (typeof expiry === 'string') return badRequest(expiry, 'InvalidRequest');
    if ((b.clientState ?? '').length > CLIENT_STATE_MAX) {
      return badRequest(
        `clientState must be at most ${CLIENT_STATE_MAX} characters.`,
        'InvalidRequest',
      );
    }
    let encryption: EncryptionCertificate | undefined;
    if (b.includeResourceData) {
      if (!b.encryptionCertificate || !b.encryptionCertificateId) {
        return badRequest(
          'encryptionCertificate and encryptionCertificateId are required when includeResourceData is true.',
          'InvalidRequest',
        );
      }
      const cert = parseEncryptionCertificate(b.encryptionCertificate, b.encryptionCertificateId);
      if (typeof cert === 'string') return badRequest(cert, 'InvalidRequest');
      encryption = cert;
    }
    for (const url of [b.notificationUrl, b.lifecycleNotificationUrl]) {
      if (!url) continue;
      const failed = await this.delivery.validate(url);
      if (failed) return badRequest(failed, 'ValidationError');
    }
    const sub: Subscription = {
      id: randomUUID(),
      tenantId: caller.tenantId,
      applicationId: caller.appId,
      creatorId: caller.userId ?? '',
      resource: b.resource,
      userIds: new Set(ids),
      changeType: b.changeType,
      notificationUrl: b.notificationUrl,
      lifecycleNotificationUrl: b.lifecycleNotificationUrl ?? null,
      clientState: b.clientState ?? null,
      includeResourceData: b.includeResourceData ?? false,
      encryptionCertificate: b.encryptionCertificate ?? null,
      ...(encryption ? { encryption } : {}),
      latestSupportedTlsVersion: b.latestSupportedTlsVersion ?? 'v1_2',
      expiresAt: expiry,
      tokenExpiresAt: caller.expiresAt,
      reauthorizationSent: false,
    };
    this.byId.set(sub.id, sub);
    return ok(this.json(sub, true), 201);
  }

  private list(caller: Caller): GraphResponse {
    const denied = authorize(caller, PRESENCE_SUBSCRIPTION);
    if (denied) return denied;
    const mine = this.all().filter(
      (s) => s.applicationId === caller.appId && s.tenantId === caller.tenantId,
    );
    return ok({
      '@odata.context': `${this.ctx.baseUrl}/v1.0/$metadata#subscriptions`,
      value: mine.map((s) => this.json(s, false)),
    });
  }

  private read(caller: Caller, id: string): GraphResponse {
    const found = this.owned(caller, id);
    return 'status' in found ? found : ok(this.json(found, true));
  }

  private renew(caller: Caller, id: string, body: unknown): GraphResponse {
    const found = this.owned(caller, id);
    if ('status' in found) return found;
    const parsed = updateSubscriptionBody.safeParse(body);
    if (!parsed.success) return badRequest('expirationDateTime is required.', 'InvalidRequest');
    const expiry = this.expiry(parsed.data.expirationDateTime);
    if (typeof expiry === 'string') return badRequest(expiry, 'InvalidRequest');
    found.expiresAt = expiry;
    this.reauthorized(found, caller);
    return ok(this.json(found, true));
  }

  private delete(caller: Caller, id: string): GraphResponse {
    const found = this.owned(caller, id);
    if ('status' in found) return found;
    this.byId.delete(id);
    return noContent();
  }

  private reauthorize(caller: Caller, id: string): GraphResponse {
    const found = this.owned(caller, id);
    if ('status' in found) return found;
    this.reauthorized(found, caller);
    return noContent();
  }

  private reauthorized(sub: Subscription, caller: Caller): void {
    sub.tokenExpiresAt = caller.expiresAt;
    sub.reauthorizationSent = false;
    delete sub.pausedFrom;
  }

  private owned(caller: Caller, id: string): Subscription | GraphResponse {
    const denied = authorize(caller, PRESENCE_SUBSCRIPTION);
    if (denied) return denied;
    const sub = this.byId.get(id);
    if (
      !sub ||
      sub.expiresAt <= this.ctx.clock.now() ||
      sub.applicationId !== caller.appId ||
      sub.tenantId !== caller.tenantId
    ) {
      return notFound(`The object was not found: subscription '${id}'.`);
    }
    return sub;
  }

  private expiry(text: string): number | string {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return `expirationDateTime '${text}' is not a valid date and time.`;
    const now = this.ctx.clock.now();
    if (at <= now) return 'Subscription expiration must be in the future.';
    if (at > now + PRESENCE_MAX_EXPIRATION_MS) {
      return `Subscription expiration can only be ${PRESENCE_MAX_EXPIRATION_MS / 60_000} minutes in the future.`;
    }
    return at;
  }

  private must(id: string): Subscription {
    const sub = this.byId.get(id);
    if (!sub) throw new Error(`no subscription ${id}`);
    return sub;
  }

  /** The subscription resource; the certificate is returned only to single reads and creation. */
  private json(sub: Subscription, withCertificate: boolean): Record<string, unknown> {
    return {
      '@odata.context': `${this.ctx.baseUrl}/v1.0/$metadata#subscriptions/$entity`,
      id: sub.id,
      resource: sub.resource,
      applicationId: sub.applicationId,
      changeType: sub.changeType,
      clientState: sub.clientState,
      notificationUrl: sub.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
      expirationDateTime: this.ctx.clock.iso(sub.expiresAt),
      creatorId: sub.creatorId,
      includeResourceData: sub.includeResourceData,
      latestSupportedTlsVersion: sub.latestSupportedTlsVersion,
      encryptionCertificate: withCertificate ? sub.encryptionCertificate : null,
      encryptionCertificateId: sub.encryption?.id ?? null,
      notificationUrlAppId: null,
    };
  }
}
