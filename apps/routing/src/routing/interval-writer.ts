// Writes the queues' 15-minute intervals from Redis to Postgres. Rows carry totals, so writing
// one twice is harmless and any replica may do it; a failed write puts the rows back.
import { sql } from 'drizzle-orm';
import type { Logger } from '@ccx/observability';
import { queueIntervals, type Database } from '@ccx/persistence';
import type { StatsStore } from '@ccx/routing-engine';

export class IntervalWriter {
  constructor(
    private readonly stats: StatsStore,
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** Returns the number of rows written. */
  async flush(): Promise<number> {
    let written = 0;
    for (;;) {
      const rows = await this.stats.drainDirty(500);
      if (rows.length === 0) return written;
      try {
        await this.db
          .insert(queueIntervals)
          .values(rows.map((r) => ({ ...r, intervalStart: new Date(r.intervalStart) })))
          .onConflictDoUpdate({
            target: [queueIntervals.tenantId, queueIntervals.queueId, queueIntervals.intervalStart],
            set: {
              label: sql`excluded.label`,
              offered: sql`excluded.offered`,
              answered: sql`excluded.answered`,
              abandoned: sql`excluded.abandoned`,
              shortAbandoned: sql`excluded.short_abandoned`,
              answeredWithinSl: sql`excluded.answered_within_sl`,
              waitMsSum: sql`excluded.wait_ms_sum`,
              handleMsSum: sql`excluded.handle_ms_sum`,
              busyMs: sql`excluded.busy_ms`,
              staffedMs: sql`excluded.staffed_ms`,
            },
          });
        written += rows.length;
      } catch (err) {
        await this.stats.markDirty(rows);
        this.log.error(
          { err: String(err), rows: rows.length },
          'queue intervals not written; will retry',
        );
        return written;
      }
    }
  }
}
