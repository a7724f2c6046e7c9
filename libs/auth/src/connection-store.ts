import { and, eq } from 'drizzle-orm';
import { m365Connections, tenants, type Database } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import { openCredential } from './credentials';
import type { AppIdentity } from './m365-clients';

/** Our (active) tenant whose M365 connection is for this Entra tenant, if any. */
export async function tenantOfEntraTenant(
  db: Database,
  entraTenantId: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ tenantId: m365Connections.tenantId })
    .from(m365Connections)
    .innerJoin(tenants, eq(tenants.id, m365Connections.tenantId))
    .where(
      and(
        eq(m365Connections.entraTenantId, entraTenantId.toLowerCase()),
        eq(tenants.status, 'active'),
      ),
    )
    .limit(1);
  return row?.tenantId;
}

export type M365ConnectionRow = typeof m365Connections.$inferSelect;

export async function connectionOfTenant(
  db: Database,
  tenantId: string,
): Promise<M365ConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(m365Connections)
    .where(eq(m365Connections.tenantId, tenantId))
    .limit(1);
  return row;
}

/** The app identity of a connection row (opens the sealed credential). */
export const identityOf = (box: SecretBox, row: M365ConnectionRow): AppIdentity => ({
  entraTenantId: row.entraTenantId,
  clientId: row.clientId,
  credential: openCredential(box, row.credentialCiphertext),
});
