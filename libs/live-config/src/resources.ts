import { and, eq } from 'drizzle-orm';
import type { EventData } from '@ccx/contracts';
import {
  agents,
  numberRanges,
  queues,
  sites,
  skills,
  trunks,
  type Database,
} from '@ccx/persistence';

export type ConfigResource = EventData<'config.changed'>['resource'];

/** Resources services run with. API keys, tenants and webhooks stay with the control plane. */
const tables = {
  site: sites,
  trunk: trunks,
  'number-range': numberRanges,
  skill: skills,
  queue: queues,
  agent: agents,
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
  const table = tables[resource];
  const rows = await db
    .select()
    .from(table)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
    .limit(1);
  return rows[0] as LiveRow | undefined;
}

export async function readAll(db: Database, resource: LiveResource): Promise<LiveRow[]> {
  return (await db.select().from(tables[resource])) as LiveRow[];
}
