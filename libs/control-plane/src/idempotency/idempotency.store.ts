import { and, eq, lt, sql } from 'drizzle-orm';
import { idempotencyKeys } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { UnitOfWork } from '../persistence/unit-of-work';

export type IdempotencyOutcome =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

export interface IdempotencyRequest {
  /** Tenant id, or OPERATOR_OWNER for operator routes: keys never collide across tenants. */
  owner: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

export const OPERATOR_OWNER = '#operator';
export const IDEMPOTENCY_TTL_HOURS = 24;

/**
 * Stored responses for `Idempotency-Key`. The key is claimed INSIDE the request's transaction,
 * so the claim, the created object and the stored response commit together or not at all: a
 * failed request leaves no trace and may be retried, a concurrent duplicate waits on the row
 * lock and then replays. Stored bodies are sealed (they may hold a one-time secret such as a
 * new API key, which must not sit in the database in clear).
 */
export class IdempotencyStore {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly box: SecretBox,
  ) {}

  private get db() {
    return this.uow.executor;
  }

  async begin(req: IdempotencyRequest): Promise<IdempotencyOutcome> {
    if (!this.uow.inTransaction) throw new Error('IdempotencyStore.begin needs a transaction');
    const mine = and(eq(idempotencyKeys.tenantId, req.owner), eq(idempotencyKeys.key, req.key));
    // Expired keys of this owner go (this one included), so the table stays bounded.
    await this.db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.tenantId, req.owner),
          lt(
            idempotencyKeys.createdAt,
            sql`now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`,
          ),
        ),
      );
    const claimed = await this.db
      .insert(idempotencyKeys)
      .values({
        tenantId: req.owner,
        key: req.key,
        method: req.method,
        path: req.path,
        requestHash: req.fingerprint,
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length) return { kind: 'new' };
    const [row] = await this.db.select().from(idempotencyKeys).where(mine).limit(1);
    if (!row) return { kind: 'in-progress' };
    if (row.requestHash !== req.fingerprint) return { kind: 'mismatch' };
    if (row.responseStatus === null) return { kind: 'in-progress' };
    const sealed = typeof row.responseBody === 'string' ? row.responseBody : null;
    const body: unknown = sealed === null ? null : JSON.parse(this.box.open(sealed));
    return { kind: 'replay', status: row.responseStatus, body };
  }

  async complete(owner: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({
        responseStatus: status,
        responseBody: this.box.seal(JSON.stringify(body ?? null)),
      })
      .where(and(eq(idempotencyKeys.tenantId, owner), eq(idempotencyKeys.key, key)));
  }
}
