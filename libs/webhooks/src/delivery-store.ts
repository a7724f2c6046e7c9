import { and, asc, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, type Database } from '@ccx/persistence';
import { Batcher } from './batcher';

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
  /** The payload as the JSON text that is signed and sent. */
  body: string;
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

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Delivery rows and their attempts. The two hot statements (insert of new deliveries, record of
 * an attempt) go through group commit: concurrent callers share one multi-row statement.
 */
export class DeliveryStore {
  private readonly inserter = new Batcher<NewDelivery, boolean>((rows) => this.insertRows(rows));
  private readonly recorder = new Batcher<AttemptOutcome, void>((o) => this.recordRows(o));

  constructor(private readonly db: Database) {}

  /**
   * Inserts the deliveries of one event. Returns the ids that still need a job: the new rows,
   * and rows left pending by an earlier try of the same event (a crash between insert and
   * enqueue); rows already finished are not sent again.
   */
  async insert(rows: NewDelivery[]): Promise<string[]> {
    const queue = await Promise.all(rows.map((r) => this.inserter.push(r)));
    return rows.filter((_, i) => queue[i]).map((r) => r.id);
  }

  private async insertRows(rows: NewDelivery[]): Promise<boolean[]> {
    const values = sql.join(
      rows.map(
        (r) =>
          sql`(${r.id}::uuid, ${r.tenantId}, ${r.subscriptionId}::uuid, ${r.eventId}::uuid, ${r.eventName}, ${r.body}::jsonb)`,
      ),
      sql`, `,
    );
    const inserted = await this.db.execute<{ id: string }>(sql`
      insert into webhook_deliveries (id, tenant_id, subscription_id, event_id, event_name, payload)
      values ${values} on conflict do nothing returning id`);
    const ids = new Set(inserted.rows.map((r) => r.id));
    const others = rows.map((r) => r.id).filter((id) => !ids.has(id));
    if (others.length > 0) {
      const pending = await this.db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(inArray(webhookDeliveries.id, others), eq(webhookDeliveries.status, 'pending')));
      for (const r of pending) ids.add(r.id);
    }
    return rows.map((r) => ids.has(r.id));
  }

  /**
   * Records an attempt and moves its delivery. The attempt number is the delivery's running
   * count, so the log numbers attempts across replays without gaps. A success also clears the
   * subscription's failure streak.
   */
  record(o: AttemptOutcome): Promise<void> {
    return this.recorder.push(o);
  }

  private async recordRows(all: AttemptOutcome[]): Promise<void[]> {
    // One delivery has one attempt in flight; should a duplicate appear, it goes in a next pass.
    const seen = new Set<string>();
    const now: AttemptOutcome[] = [];
    const later: AttemptOutcome[] = [];
    for (const o of all) {
      if (seen.has(o.deliveryId)) later.push(o);
      else now.push(o);
      seen.add(o.deliveryId);
    }
    const values = sql.join(
      now.map(
        (o) =>
          sql`(${o.deliveryId}::uuid, ${o.status}, ${o.statusCode}::int, ${o.error}, ${iso(o.nextAttemptAt)}::timestamptz, ${o.status === 'pending' ? null : iso(o.at)}::timestamptz, ${iso(o.at)}::timestamptz, ${o.durationMs}::int)`,
      ),
      sql`, `,
    );
    await this.db.execute(sql`
      with v (id, status, code, err, next_at, done_at, at, dur) as (values ${values}),
      d as (
        update webhook_deliveries w
           set attempts = w.attempts + 1, status = v.status, last_status_code = v.code,
               last_error = v.err, next_attempt_at = v.next_at, completed_at = v.done_at
          from v where w.id = v.id
        returning w.id, w.attempts, w.subscription_id, v.status),
      s as (
        update webhook_subscriptions set consecutive_failures = 0
         where consecutive_failures > 0
           and id in (select subscription_id from d where d.status = 'succeeded'))
      insert into webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
      select d.id, d.attempts, v.at, v.code, v.err, v.dur from d join v on v.id = d.id`);
    if (later.length) await this.recordRows(later);
    return all.map(() => undefined);
  }

  /** Ends a delivery without an attempt (its subscription is disabled or gone). */
  async abandon(deliveryId: string, reason: string): Promise<void> {
    await this.db
      .update(webhookDeliveries)
      .set({ status: 'failed', lastError: reason, nextAttemptAt: null, completedAt: sql`now()` })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
  }
}

/** Anything drizzle queries run on: the pool, or the request's transaction. */
export type Queryable = Pick<Database, 'select' | 'update' | 'execute'>;

/**
 * Reading the delivery log, and reopening a delivery for replay. Built on whatever executor the
 * caller is in (a request's transaction must not wait for a second pool connection: on the
 * embedded PGlite, which runs one transaction at a time, that would deadlock).
 */
export class DeliveryLog {
  constructor(private readonly db: Queryable) {}

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
