import type { TestDatabase } from '../../../support/database';

/** Every table the API writes; a failed request must leave all of them as they were. */
export const API_TABLES = [
  'tenants',
  'api_keys',
  'sites',
  'trunks',
  'number_ranges',
  'skills',
  'queues',
  'agents',
  'flows',
  'experts',
  'idempotency_keys',
  'webhook_subscriptions',
  'm365_connections',
] as const;

export type Snapshot = Record<string, { count: number; rows: unknown[] }>;

/** Row counts and full contents (ordered) of every API table. */
export async function snapshot(db: TestDatabase): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const table of API_TABLES) {
    const { rows } = await db.pool.query(
      `select * from ${table} order by ${table === 'idempotency_keys' ? 'tenant_id, key' : 'id'}`,
    );
    // last_used_at moves when a key is used (at most once a minute): that is not a change.
    if (table === 'api_keys')
      rows.forEach((r: Record<string, unknown>) => delete r['last_used_at']);
    out[table] = { count: rows.length, rows };
  }
  return out;
}

export async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const snap = await snapshot(db);
  return Object.fromEntries(Object.entries(snap).map(([t, s]) => [t, s.count]));
}
