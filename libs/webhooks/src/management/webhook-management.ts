import { randomUUID } from 'node:crypto';
import {
  ApiProblem,
  decodeCursor,
  encodeCursor,
  fieldProblem,
  isUuid,
  notFound,
  parseOrThrow,
  parsePageQuery,
  parsePatch,
  type Page,
  type TenantScope,
  type UnitOfWork,
} from '@ccx/control-plane';
import { webhookSubscriptions } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { WebhookSettings } from '../config';
import { DeliveryLog, type DeliveryRow, type DeliveryWithAttempts } from '../delivery-store';
import type { SendResult } from '../http-sender';
import type { WebhookRuntime } from '../runtime';
import {
  decodeSecretSet,
  encodeSecretSet,
  generateWebhookSecret,
  Signer,
  webhookIdOf,
} from '../signing';
import { toRecord, type SubscriptionRecord, type SubscriptionRow } from '../subscription-store';
import { assertTargetAllowed, TargetRefusedError } from '../target-guard';
import {
  deliveriesQuerySchema,
  rotateSecretSchema,
  webhookCreateSchema,
  webhookPatchSchema,
} from './schemas';

const WHAT = 'webhook subscription';

export type DeliveryView = Omit<
  DeliveryWithAttempts,
  'tenantId' | 'subscriptionId' | 'attemptLog'
> & {
  webhookId: string;
  attemptLog: {
    attempt: number;
    at: Date;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }[];
};

function deliveryView(
  d: DeliveryRow & { attemptLog?: DeliveryWithAttempts['attemptLog'] },
): DeliveryView {
  const { tenantId: _t, subscriptionId: _s, attemptLog = [], ...rest } = d;
  return {
    ...rest,
    webhookId: webhookIdOf(d.id),
    attemptLog: attemptLog.map(({ attempt, at, statusCode, error, durationMs }) => ({
      attempt,
      at,
      statusCode,
      error,
      durationMs,
    })),
  };
}

/**
 * The webhook use-cases behind the API. Every read and write of a subscription goes through the
 * caller's TenantScope (tenant isolation, revision bump, config.changed after commit); the
 * delivery log is read only after the subscription was found in that scope.
 */
export class WebhookManagement {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly runtime: WebhookRuntime,
    private readonly box: SecretBox,
    private readonly settings: WebhookSettings,
  ) {}

  async list(scope: TenantScope, query: unknown): Promise<Page<SubscriptionRecord>> {
    const page = await scope.list(webhookSubscriptions, parsePageQuery(query));
    return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
  }

  async get(scope: TenantScope, id: string): Promise<SubscriptionRecord> {
    return toRecord(await this.require(scope, id));
  }

  /** Creates a subscription; the response is the only time its secret is shown. */
  async create(
    scope: TenantScope,
    body: unknown,
  ): Promise<SubscriptionRecord & { secret: string }> {
    const input = parseOrThrow(webhookCreateSchema, body);
    const url = await this.checkUrl(input.url);
    const secret = generateWebhookSecret();
    return this.uow.run(async () => {
      const row = await scope.insert(webhookSubscriptions, {
        url,
        description: input.description ?? null,
        eventTypes: input.eventTypes,
        enabled: input.enabled,
        secretCiphertext: this.box.seal(encodeSecretSet({ current: secret })),
      });
      this.changed(scope);
      return { ...toRecord(row), secret };
    });
  }

  async update(scope: TenantScope, id: string, body: unknown): Promise<SubscriptionRecord> {
    const patch = parsePatch(webhookPatchSchema, body);
    if (typeof patch['url'] === 'string') patch['url'] = await this.checkUrl(patch['url']);
    return this.write(scope, id, patch);
  }

  async remove(scope: TenantScope, id: string): Promise<void> {
    await this.uow.run(async () => {
      await this.require(scope, id);
      await scope.delete(webhookSubscriptions, id);
      this.changed(scope);
    });
  }

  /**
   * A new secret, returned once. The old one keeps signing beside it for `graceSeconds`, so
   * receivers that verify with either secret lose nothing while they switch.
   */
  async rotateSecret(
    scope: TenantScope,
    id: string,
    body: unknown,
  ): Promise<SubscriptionRecord & { secret: string }> {
    const { graceSeconds } = parseOrThrow(rotateSecretSchema, body ?? {});
    return this.uow.run(async () => {
      const row = await this.require(scope, id);
      const old = decodeSecretSet(this.box.open(row.secretCiphertext));
      const secret = generateWebhookSecret();
      const set =
        graceSeconds > 0
          ? {
              current: secret,
              previous: old.current,
              previousUntil: Date.now() + graceSeconds * 1000,
            }
          : { current: secret };
      const updated = await this.write(scope, id, {
        secretCiphertext: this.box.seal(encodeSecretSet(set)),
      });
      return { ...updated, secret };
    });
  }

  /** Enabling clears the failure streak and the reason; disabling records who did it. */
  setEnabled(scope: TenantScope, id: string, enabled: boolean): Promise<SubscriptionRecord> {
    return this.write(
      scope,
      id,
      enabled
        ? { enabled: true, disabledReason: null, consecutiveFailures: 0 }
        : { enabled: false, disabledReason: 'disabled through the API' },
    );
  }

  async deliveries(scope: TenantScope, id: string, query: unknown): Promise<Page<DeliveryView>> {
    const q = parseOrThrow(deliveriesQuerySchema, query ?? {});
    const sub = await this.require(scope, id);
    const page = await this.log.list(scope.tenantId, sub.id, {
      limit: q.limit,
      ...(q.cursor ? { before: decodeCursor(q.cursor) } : {}),
      ...(q.status ? { status: q.status } : {}),
    });
    return {
      items: page.items.map(deliveryView),
      nextCursor: page.nextKey ? encodeCursor(page.nextKey) : null,
    };
  }

  async delivery(scope: TenantScope, id: string, deliveryId: string): Promise<DeliveryView> {
    const { delivery } = await this.requireDelivery(scope, id, deliveryId);
    const attempts = await this.log.attemptsOf([delivery.id]);
    return deliveryView({ ...delivery, attemptLog: attempts.get(delivery.id) ?? [] });
  }

  /** Re-sends a delivery in any state as a new series of attempts (same `webhook-id`). */
  async replay(scope: TenantScope, id: string, deliveryId: string): Promise<DeliveryView> {
    return this.uow.run(async () => {
      const { sub, delivery } = await this.requireDelivery(scope, id, deliveryId);
      if (!sub.enabled) {
        throw new ApiProblem('conflict', 'the subscription is disabled; enable it first');
      }
      if (await this.runtime.queue.isActive(delivery.id)) {
        throw new ApiProblem('conflict', 'the delivery is being sent right now; try again shortly');
      }
      const reopened = await this.log.reopen(scope.tenantId, sub.id, delivery.id);
      const job = {
        deliveryId: delivery.id,
        tenantId: scope.tenantId,
        subscriptionId: sub.id,
        eventName: delivery.eventName,
        body: JSON.stringify(delivery.payload),
      };
      this.uow.afterCommit(async () => {
        await this.runtime.queue.restart(job);
      });
      const attempts = await this.log.attemptsOf([delivery.id]);
      return deliveryView({
        ...(reopened ?? delivery),
        attemptLog: attempts.get(delivery.id) ?? [],
      });
    });
  }

  /** Sends a signed `webhook.ping` now and reports what the endpoint answered (not logged). */
  async ping(scope: TenantScope, id: string): Promise<SendResult & { ok: boolean }> {
    const sub = await this.require(scope, id);
    const body = JSON.stringify({
      type: 'webhook.ping',
      timestamp: new Date().toISOString(),
      eventId: randomUUID(),
      version: 1,
      tenantId: scope.tenantId,
      data: { subscriptionId: sub.id },
    });
    const signer = new Signer(decodeSecretSet(this.box.open(sub.secretCiphertext)));
    const msgId = `msg_ping_${randomUUID().replace(/-/g, '')}`;
    const res = await this.runtime.sender.post(sub.url, body, signer.sign(msgId, new Date(), body));
    return { ok: res.statusCode !== null && res.statusCode < 300 && res.statusCode >= 200, ...res };
  }

  /** The log on the current executor: the request's transaction when there is one. */
  private get log(): DeliveryLog {
    return new DeliveryLog(this.uow.executor);
  }

  private async require(scope: TenantScope, id: string): Promise<SubscriptionRow> {
    return scope.require(webhookSubscriptions, id, WHAT);
  }

  private async requireDelivery(scope: TenantScope, id: string, deliveryId: string) {
    const sub = await this.require(scope, id);
    const delivery = isUuid(deliveryId)
      ? await this.log.get(scope.tenantId, sub.id, deliveryId)
      : undefined;
    if (!delivery) throw notFound('delivery', deliveryId);
    return { sub, delivery };
  }

  private async write(scope: TenantScope, id: string, values: Record<string, unknown>) {
    return this.uow.run(async () => {
      await this.require(scope, id);
      const row = await scope.update(webhookSubscriptions, id, values);
      if (!row) throw notFound(WHAT, id);
      this.changed(scope);
      return toRecord(row);
    });
  }

  /** This process's cache learns at commit; other replicas through config.changed. */
  private changed(scope: TenantScope): void {
    this.uow.afterCommit(async () => this.runtime.cache.invalidate(scope.tenantId));
  }

  private async checkUrl(raw: string): Promise<string> {
    try {
      return (await assertTargetAllowed(raw, this.settings)).toString();
    } catch (err) {
      if (err instanceof TargetRefusedError) throw fieldProblem('url', err.reason);
      throw err;
    }
  }
}
