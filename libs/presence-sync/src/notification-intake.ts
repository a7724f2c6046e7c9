import type { KeyObject } from 'node:crypto';
import {
  checkValidationTokens,
  decryptContent,
  graphPresence,
  notificationCollection,
  NotificationRejected,
  type ChangeNotification,
  type GraphPresence,
  type VerifiedTokens,
} from '@ccx/graph';
import type { JWTVerifyGetKey } from 'jose';
import type { TenantPresenceSync } from './tenant-sync';

export interface IntakeTenant {
  sync: TenantPresenceSync;
  /** The app the tenant's subscriptions were made with (audience of validation tokens). */
  appId: string;
}

export interface IntakeOptions {
  /** Our tenant for an Entra tenant id (a notification's tenantId), if connected. */
  tenantByEntraId: (entraTenantId: string) => IntakeTenant | undefined;
  /** The private key and id of the certificate rich notifications are encrypted to. */
  encryption?: { privateKey: KeyObject; certificateId: string };
  jwks: JWTVerifyGetKey;
  authority?: string;
  now?: () => number;
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

export interface IntakeResult {
  accepted: number;
  refused: number;
}

/**
 * What arrives at our notification endpoints, checked before anything is believed: the shape,
 * the validation tokens (signed by the identity platform for our app, one per tenant), the
 * tenant, the certificate id, the HMAC of the encrypted content, then clientState and the
 * subscription (TenantPresenceSync). A refused item is logged and dropped, never applied.
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data
 */
export class NotificationIntake {
  private readonly verified: VerifiedTokens = new Map();

  constructor(private readonly options: IntakeOptions) {}

  async changes(body: unknown): Promise<IntakeResult> {
    const parsed = notificationCollection.safeParse(body);
    if (!parsed.success) {
      this.problem('notification refused: not a change notification collection', {
        issue: parsed.error.issues[0]?.message,
      });
      return { accepted: 0, refused: 1 };
    }
    const { value, validationTokens } = parsed.data;
    const tenants = this.tenantsOf(value);
    if (value.some((n) => n.encryptedContent !== undefined)) {
      try {
        await checkValidationTokens(validationTokens, new Set(tenants.keys()), {
          jwks: this.options.jwks,
          verified: this.verified,
          appIds: [...new Set([...tenants.values()].map((t) => t.appId))],
          ...(this.options.authority ? { authority: this.options.authority } : {}),
          ...(this.options.now ? { now: this.options.now } : {}),
        });
      } catch (err) {
        this.problem('notifications refused', { reason: String(err), items: value.length });
        return { accepted: 0, refused: value.length };
      }
    }
    // Items are checked and applied in order (each up to its publication), and their
    // publications then go out together: the bus coalesces publishes of one turn.
    const results = await Promise.all(
      value.map((item) => {
        const tenant = tenants.get(item.tenantId);
        return tenant === undefined ? false : this.change(item, tenant);
      }),
    );
    const accepted = results.filter(Boolean).length;
    return { accepted, refused: value.length - accepted };
  }

  async lifecycle(body: unknown): Promise<IntakeResult> {
    const parsed = notificationCollection.safeParse(body);
    if (!parsed.success) {
      this.problem('lifecycle notification refused: bad shape', {
        issue: parsed.error.issues[0]?.message,
      });
      return { accepted: 0, refused: 1 };
    }
    const tenants = this.tenantsOf(parsed.data.value);
    let accepted = 0;
    for (const item of parsed.data.value) {
      const tenant = tenants.get(item.tenantId);
      if (!tenant || !item.lifecycleEvent) continue;
      if (await tenant.sync.lifecycle(item.subscriptionId, item.clientState, item.lifecycleEvent)) {
        accepted++;
      }
    }
    return { accepted, refused: parsed.data.value.length - accepted };
  }

  private tenantsOf(items: readonly ChangeNotification[]): Map<string, IntakeTenant> {
    const out = new Map<string, IntakeTenant>();
    for (const item of items) {
      const tenant = this.options.tenantByEntraId(item.tenantId);
      if (tenant) out.set(item.tenantId, tenant);
      else
        this.problem('notification for a tenant we do not serve', { entraTenantId: item.tenantId });
    }
    return out;
  }

  private async change(item: ChangeNotification, tenant: IntakeTenant): Promise<boolean> {
    let presence: GraphPresence | undefined;
    if (item.encryptedContent) {
      const encryption = this.options.encryption;
      if (
        !encryption ||
        item.encryptedContent.encryptionCertificateId !== encryption.certificateId
      ) {
        this.problem('notification refused: encrypted to a certificate we do not hold', {
          subscriptionId: item.subscriptionId,
        });
        return false;
      }
      try {
        const content = graphPresence.safeParse(
          decryptContent(item.encryptedContent, encryption.privateKey),
        );
        if (!content.success) throw new NotificationRejected('content is not a presence');
        presence = content.data;
      } catch (err) {
        this.problem('notification refused', {
          subscriptionId: item.subscriptionId,
          reason: String(err),
        });
        return false;
      }
    }
    const userId = presence?.id ?? item.resourceData?.id;
    if (userId === undefined) return false;
    return tenant.sync.notified(item.subscriptionId, item.clientState, userId, presence);
  }

  private problem(message: string, detail: Record<string, unknown>): void {
    this.options.onProblem?.(message, detail);
  }
}
