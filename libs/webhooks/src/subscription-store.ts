import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { webhookSubscriptions, type Database } from '@ccx/persistence';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
/** A subscription as the API shows it: everything but the sealed secret. */
export type SubscriptionRecord = Omit<SubscriptionRow, 'secretCiphertext'>;

const { secretCiphertext: _secret, ...publicColumns } = getTableColumns(webhookSubscriptions);

/** Strips the sealed secret from a row before it leaves the library. */
export function toRecord(row: SubscriptionRow): SubscriptionRecord {
  const { secretCiphertext: _s, ...record } = row;
  return record;
}

/**
 * What delivery needs of subscriptions. Reads are tenant-scoped; the two writes are keyed by a
 * subscription id the worker got from a delivery of that tenant, never from a request.
 * (Requests go through the control plane's TenantScope, see management.ts.)
 */
export class SubscriptionStore {
  constructor(private readonly db: Database) {}

  /** Enabled subscriptions of a tenant, with their sealed secrets. */
  async active(tenantId: string): Promise<SubscriptionRow[]> {
    return this.db
      .select()
      .from(webhookSubscriptions)
      .where(
        and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.enabled, true)),
      );
  }

  /** Adds one failed delivery to the subscription's streak; returns the new streak. */
  async addFailedDelivery(id: string): Promise<number> {
    const [row] = await this.db
      .update(webhookSubscriptions)
      .set({ consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1` })
      .where(eq(webhookSubscriptions.id, id))
      .returning({ n: webhookSubscriptions.consecutiveFailures });
    return row?.n ?? 0;
  }

  /**
   * Disables an enabled subscription. Returns the row only to the caller that actually flipped
   * it, so the endpoint-disabled event is published once even when workers race.
   */
  async disable(id: string, reason: string): Promise<SubscriptionRecord | undefined> {
    const [row] = await this.db
      .update(webhookSubscriptions)
      .set({
        enabled: false,
        disabledReason: reason,
        updatedAt: sql`now()`,
        revision: sql`${webhookSubscriptions.revision} + 1`,
      })
      .where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.enabled, true)))
      .returning(publicColumns);
    return row;
  }
}
