import { and, asc, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, type Database } from '@ccx/persistence';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
export type DeliveryWithAttempts = DeliveryRow & { attemptLog: AttemptRow[] };
/** A keyset position: created_at as PostgreSQL prints it, and the id. */
export interface RowKey {
  createdAt: string;
  id: string;
}

export interface NewDelivery {
  id: string;
  tenantId: string;
  subscriptionId: string;
  eventId: string;
  eventName: string;
  payload: unknown;
}

/** One HTTP attempt's result, as recorded. */
export interface AttemptOutcome {
  deliveryId: string;
  at: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** The state the delivery is in after this attempt. */
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

export class DeliveryStore {
  constructor(private readonly db: Database) {}

  /**
   * Inserts the deliveries of one event. Returns the ids that still need a job: the new rows,
   * and rows left pending by an earlier try of the same event (a crash between insert and
   * enqueue); rows already finished are not sent again.
   */
  async insert(rows: NewDelivery[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const inserted = await this.db
      .insert(webhookDeliveries)
      .values(rows)
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    if (inserted.length === rows.length) return inserted.map((r) => r.id);
    const fresh = new Set(inserted.map((r) => r.id));
    const others = rows.map((r) => r.id).filter((id) => !fresh.has(id));
    const pending = await this.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.id, others), eq(webhookDeliveries.status, 'pending')));
    return [...fresh, ...pending.map((r) => r.id)];
  }

  /**
   * Records an attempt and moves the delivery in one statement: the attempt number is the
   * delivery's running count, so the log numbers attempts across replays without gaps.
   * A success also clears the subscription's failure streak.
   */
  async record(o: AttemptOutcome): Promise<void> {
    const done = o.status === 'pending' ? null : o.at;
    await this.db.execute(sql`
      with d as (
        update webhook_deliveries
           set attempts = attempts + 1, status = ${o.status}, last_status_code = ${o.statusCode},
               last_error = ${o.error}, next_attempt_at = ${o.nextAttemptAt}, completed_at = ${done}
         where id = ${o.deliveryId}
        returning id, attempts, subscription_id),
      s as (
        update webhook_subscriptions set consecutive_failures = 0
         where ${o.status === 'succeeded'} and consecutive_failures > 0
           and id = (select subscription_id from d))
      insert into webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
      select id, attempts, ${o.at}, ${o.statusCode}, ${o.error}, ${o.durationMs} from d`);
  }

  /** Ends a delivery without an attempt (its subscription is disabled or gone). */
  async abandon(deliveryId: string, reason: string): Promise<void> {
    await this.db
      .update(webhookDeliveries)
      .set({ status: 'failed', lastError: reason, nextAttemptAt: null, completedAt: sql`now()` })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
  }

  async get(tenantId: string, subscriptionId: string, id: string) {
    const [row] = await this.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.tenantId, tenantId),
          eq(webhookDeliveries.subscriptionId, subscriptionId),
          eq(webhookDeliveries.id, id),
        ),
      );
    return row;
  }

  /**
   * Newest first, keyset-paged on (created_at, id), each with its attempts (oldest first).
   * `before` is the key of the last row of the previous page, created_at as PostgreSQL prints it
   * (microseconds kept, so no row is repeated or skipped).
   */
  async list(
    tenantId: string,
    subscriptionId: string,
    q: { limit: number; before?: RowKey; status?: DeliveryStatus },
  ): Promise<{ items: DeliveryWithAttempts[]; nextKey: RowKey | null }> {
    const t = webhookDeliveries;
    const rows = await this.db
      .select({ ...getTableColumns(t), key: sql<string>`${t.createdAt}::text`.as('key_ts') })
      .from(t)
      .where(
        and(
          eq(t.tenantId, tenantId),
          eq(t.subscriptionId, subscriptionId),
          q.status ? eq(t.status, q.status) : undefined,
          q.before
            ? sql`(${t.createdAt}, ${t.id}) < (${q.before.createdAt}::timestamptz, ${q.before.id})`
            : undefined,
        ),
      )
      .orderBy(desc(t.createdAt), desc(t.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const attempts = await this.attemptsOf(page.map((r) => r.id));
    const last = page[page.length - 1];
    return {
      items: page.map(({ key: _key, ...r }) => ({ ...r, attemptLog: attempts.get(r.id) ?? [] })),
      nextKey: rows.length > q.limit && last ? { createdAt: last.key, id: last.id } : null,
    };
  }

  async attemptsOf(deliveryIds: string[]): Promise<Map<string, AttemptRow[]>> {
    const byDelivery = new Map<string, AttemptRow[]>();
    if (deliveryIds.length === 0) return byDelivery;
    const rows = await this.db
      .select()
      .from(webhookAttempts)
      .where(inArray(webhookAttempts.deliveryId, deliveryIds))
      .orderBy(asc(webhookAttempts.attempt));
    for (const r of rows) {
      const list = byDelivery.get(r.deliveryId) ?? [];
      list.push(r);
      byDelivery.set(r.deliveryId, list);
    }
    return byDelivery;
  }

  /** Puts a delivery back to pending for a new series of attempts. */
  async reopen(tenantId: string, subscriptionId: string, id: string) {
    const [row] = await this.db
      .update(webhookDeliveries)
      .set({ status: 'pending', completedAt: null, nextAttemptAt: sql`now()` })
      .where(
        and(
          eq(webhookDeliveries.tenantId, tenantId),
          eq(webhookDeliveries.subscriptionId, subscriptionId),
          eq(webhookDeliveries.id, id),
        ),
      )
      .returning();
    return row;
  }
}
