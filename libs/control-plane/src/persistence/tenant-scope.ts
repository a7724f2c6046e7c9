import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  agents,
  apiKeys,
  experts,
  flows,
  numberRanges,
  queues,
  sites,
  skills,
  trunks,
  webhookSubscriptions,
} from '@ccx/persistence';
import type { ConfigEvents, ConfigResource } from '../events/config-events';
import type { Page, PageRequest } from '../pagination/cursor';
import { keysetPage } from '../pagination/keyset';
import { fieldProblem, notFound } from '../problem/problem';
import type { UnitOfWork } from './unit-of-work';

/** A table owned by a tenant: uuid `id`, `tenant_id`, `created_at`. */
export type OwnedTable = PgTable & { id: PgColumn; tenantId: PgColumn; createdAt: PgColumn };
type Row<T extends OwnedTable> = T['$inferSelect'];
type Values = Record<string, unknown>;

/** Tables whose changes are announced with config.changed, and the resource name used. */
const configResources = new Map<PgTable, ConfigResource>([
  [sites, 'site'],
  [trunks, 'trunk'],
  [numberRanges, 'number-range'],
  [skills, 'skill'],
  [queues, 'queue'],
  [agents, 'agent'],
  [flows, 'flow'],
  [experts, 'expert'],
  [apiKeys, 'api-key'],
  [webhookSubscriptions, 'webhook'],
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/**
 * THE place where tenant isolation is enforced. A TenantScope is built from the caller's API
 * key (never from anything in the request) and every read, update and delete it runs carries
 * `tenant_id = <that tenant>`; every insert has its tenant_id set here, overriding anything in
 * the values. Controllers receive a scope, never a tenant id, so a route cannot reach another
 * tenant's rows: a foreign id simply is not found.
 *
 * Writes bump `revision` and announce `config.changed` after commit.
 */
export class TenantScope {
  constructor(
    readonly tenantId: string,
    private readonly uow: UnitOfWork,
    private readonly events: ConfigEvents,
  ) {}

  private get db() {
    return this.uow.executor;
  }

  private own<T extends OwnedTable>(table: T, where?: SQL): SQL {
    const mine = eq(table.tenantId, this.tenantId);
    return where ? (and(mine, where) as SQL) : mine;
  }

  private announce(table: PgTable, row: Values, action: 'created' | 'updated' | 'deleted') {
    const resource = configResources.get(table);
    if (!resource) return;
    const current = typeof row['revision'] === 'number' ? row['revision'] : 1;
    const revision = action === 'deleted' ? current + 1 : current;
    this.events.changed(this.tenantId, { resource, id: String(row['id']), action, revision });
  }

  async insert<T extends OwnedTable>(table: T, values: Values): Promise<Row<T>> {
    const rows = (await this.db
      .insert(table)
      .values({ ...values, tenantId: this.tenantId } as never)
      .returning()) as Row<T>[];
    const row = rows[0] as Row<T>;
    this.announce(table, row as Values, 'created');
    return row;
  }

  async get<T extends OwnedTable>(table: T, id: string): Promise<Row<T> | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = (await this.db
      .select()
      .from(table as PgTable)
      .where(this.own(table, eq(table.id, id)))
      .limit(1)) as Row<T>[];
    return rows[0];
  }

  /** Like `get`, but a missing row is a 404 problem. */
  async require<T extends OwnedTable>(table: T, id: string, what: string): Promise<Row<T>> {
    const row = await this.get(table, id);
    if (!row) throw notFound(what, id);
    return row;
  }

  /** Rows of this tenant matching `where`, for checks (overlaps, references in use). */
  async select<T extends OwnedTable>(table: T, where?: SQL, limit = 100): Promise<Row<T>[]> {
    return (await this.db
      .select()
      .from(table as PgTable)
      .where(this.own(table, where))
      .limit(limit)) as Row<T>[];
  }

  /** The ids among `ids` that are not objects of this tenant in `table`. */
  async missingIds<T extends OwnedTable>(table: T, ids: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(ids)];
    const valid = wanted.filter(isUuid);
    if (!valid.length) return wanted;
    const found = await this.db
      .select({ id: table.id })
      .from(table as PgTable)
      .where(this.own(table, inArray(table.id, valid)));
    const have = new Set(found.map((r) => String(r.id)));
    return wanted.filter((id) => !have.has(id));
  }

  /** One page of this tenant's rows in (created_at, id) order. */
  async list<T extends OwnedTable>(table: T, page: PageRequest): Promise<Page<Row<T>>> {
    if (page.after && !isUuid(page.after.id)) {
      throw fieldProblem('cursor', 'not a cursor returned by this API');
    }
    return keysetPage(this.db, table, page, this.own(table));
  }

  /** Partial update of one row; bumps `revision` and `updated_at` where the table has them. */
  async update<T extends OwnedTable>(
    table: T,
    id: string,
    values: Values,
  ): Promise<Row<T> | undefined> {
    if (!isUuid(id)) return undefined;
    const columns = getTableColumns(table);
    const set: Values = { ...values };
    delete set['tenantId'];
    delete set['id'];
    if (columns['revision']) set['revision'] = sql`${columns['revision']} + 1`;
    if (columns['updatedAt']) set['updatedAt'] = sql`now()`;
    const rows = (await this.db
      .update(table)
      .set(set as never)
      .where(this.own(table, eq(table.id, id)))
      .returning()) as Row<T>[];
    const row = rows[0];
    if (row) this.announce(table, row as Values, 'updated');
    return row;
  }

  async delete<T extends OwnedTable>(table: T, id: string): Promise<Row<T> | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = (await this.db
      .delete(table)
      .where(this.own(table, eq(table.id, id)))
      .returning()) as Row<T>[];
    const row = rows[0];
    if (row) this.announce(table, row as Values, 'deleted');
    return row;
  }

  /**
   * Serialises writers of this tenant on `name` until the transaction ends (checks such as "no
   * overlapping number ranges" would otherwise race). Needs a transaction (UnitOfWork.run).
   */
  async lock(name: string): Promise<void> {
    if (!this.uow.inTransaction) throw new Error('TenantScope.lock needs a transaction');
    await this.db.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`${this.tenantId}:${name}`}))`,
    );
  }
}
