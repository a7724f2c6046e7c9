import { and, asc, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '../persistence/unit-of-work';
import { encodeCursor, type Page, type PageRequest } from './cursor';

export type KeysetTable = PgTable & { id: PgColumn; createdAt: PgColumn };

/**
 * One page of `table` in (created_at, id) order, after the cursor's key. Rows inserted while a
 * client pages through appear at the end, never shift the pages already read.
 */
export async function keysetPage<T extends KeysetTable>(
  db: Executor,
  table: T,
  page: PageRequest,
  where?: SQL,
): Promise<Page<T['$inferSelect']>> {
  const after = page.after
    ? sql`(${table.createdAt}, ${table.id}) > (${page.after.createdAt}::timestamptz, ${page.after.id})`
    : undefined;
  const rows = await db
    .select({
      ...getTableColumns(table),
      cursorTs: sql<string>`${table.createdAt}::text`.as('cursor_ts'),
    })
    .from(table as PgTable)
    .where(and(where, after))
    .orderBy(asc(table.createdAt), asc(table.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ cursorTs: _cursorTs, ...row }) => row as T['$inferSelect']),
    nextCursor:
      more && last ? encodeCursor({ createdAt: last.cursorTs, id: String(last['id']) }) : null,
  };
}
