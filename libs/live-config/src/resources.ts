import { and, eq } from 'drizzle-orm';
import type { EventData } from '@ccx/contracts';
import {
  agents,
  experts,
  flows,
  numberRanges,
  queues,
  sites,
  skills,
  tenants,
  trunks,
  type Database,
} from '@ccx/persistence';

export type ConfigResource = EventData<'config.changed'>['resource'];

/** Resources services run with. API keys and webhooks stay with the control plane. */
const tables = {
  /** The tenant's own settings (Teams subdomain, limits, dial plan), projected under its id. */
  tenant: tenants,
  site: sites,
  trunk: trunks,
  'number-range': numberRanges,
  skill: skills,
  queue: queues,
  agent: agents,
  flow: flows,
  expert: experts,
} as const;

export type LiveResource = keyof typeof tables;
export const liveResources = Object.keys(tables) as LiveResource[];

export function isLiveResource(resource: string): resource is LiveResource {
  return Object.prototype.hasOwnProperty.call(tables, resource);
}

/** A configuration row as services see it: plain JSON with its revision. */
export type LiveRow = Record<string, unknown> & { id: string; tenantId: string; revision: number };

export async function readRow(
  db: Database,
  resource: LiveResource,
  tenantId: string,
  id: string,
): Promise<LiveRow | undefined> {
  if (resource === 'tenant') {
    if (id !== tenantId) return undefined;
    const rows = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
    return rows[0] ? tenantRow(rows[0]) : undefined;
  }
  const table = tables[resource];
  const rows = await db
    .select()
    .from(table)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
    .limit(1);
  return rows[0] as LiveRow | undefined;
}

export async function readAll(db: Database, resource: LiveResource): Promise<LiveRow[]> {
  if (resource === 'tenant') return (await db.select().from(tenants)).map(tenantRow);
  return (await db.select().from(tables[resource])) as LiveRow[];
}

/** A tenant is its own tenant: the row gets `tenantId` like every other projected row. */
function tenantRow(row: typeof tenants.$inferSelect): LiveRow {
  return { ...row, tenantId: row.id };
}
