import type { SecretBox } from '@ccx/security';
import { decodeSecretSet, Signer } from './signing';
import type { SubscriptionStore } from './subscription-store';

/** An enabled subscription ready to deliver: its secret opened into a signer. */
export interface ActiveSubscription {
  id: string;
  tenantId: string;
  url: string;
  eventTypes: readonly string[];
  revision: number;
  signer: Signer;
}

export function matchesEvent(sub: { eventTypes: readonly string[] }, eventName: string): boolean {
  return sub.eventTypes.includes('*') || sub.eventTypes.includes(eventName);
}

interface Entry {
  loadedAt: number;
  value: Promise<ActiveSubscription[]>;
}

/**
 * Per-tenant cache of enabled subscriptions, so a busy event stream costs no database read per
 * event. Refreshed when `config.changed` names a webhook (the dispatcher calls `invalidate`),
 * when this process changes a subscription, and after `ttlMs` as a net for missed news.
 */
export class SubscriptionCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly store: SubscriptionStore,
    private readonly box: SecretBox,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  forTenant(tenantId: string): Promise<ActiveSubscription[]> {
    const hit = this.entries.get(tenantId);
    if (hit && this.now() - hit.loadedAt < this.ttlMs) return hit.value;
    const entry: Entry = { loadedAt: this.now(), value: this.load(tenantId) };
    this.entries.set(tenantId, entry);
    // A failed load must not stick: the next call tries again.
    entry.value.catch(() => {
      if (this.entries.get(tenantId) === entry) this.entries.delete(tenantId);
    });
    return entry.value;
  }

  async get(tenantId: string, id: string): Promise<ActiveSubscription | undefined> {
    return (await this.forTenant(tenantId)).find((s) => s.id === id);
  }

  /** Forgets a tenant's subscriptions (all tenants without an argument); loads in flight
   * keep serving only the callers that started before. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.entries.clear();
    else this.entries.delete(tenantId);
  }

  private async load(tenantId: string): Promise<ActiveSubscription[]> {
    const rows = await this.store.active(tenantId);
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenantId,
      url: r.url,
      eventTypes: r.eventTypes,
      revision: r.revision,
      signer: new Signer(decodeSecretSet(this.box.open(r.secretCiphertext))),
    }));
  }
}
