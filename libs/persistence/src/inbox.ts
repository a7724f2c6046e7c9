import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import type { Database, Schema } from './database';
import { processedEvents } from './schema';

export type Transaction = PgTransaction<
  NodePgQueryResultHKT,
  Schema,
  ExtractTablesWithRelations<Schema>
>;

/**
 * Runs `effect` at most once per (consumer, eventId): the eventId is recorded in
 * `processed_events` in the same transaction as the effect, so a redelivered event (after a
 * crash, a retry or a duplicate publish) finds it and does nothing, and an effect that fails
 * leaves no record behind. Returns false when the event had already been applied.
 */
export async function applyOnce(
  db: Database,
  consumer: string,
  eventId: string,
  effect: (tx: Transaction) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(processedEvents)
      .values({ consumer, eventId })
      .onConflictDoNothing()
      .returning({ eventId: processedEvents.eventId });
    if (inserted.length === 0) return false;
    await effect(tx);
    return true;
  });
}
