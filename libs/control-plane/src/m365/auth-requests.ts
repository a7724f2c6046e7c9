import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { m365AuthRequests } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { AUTH_REQUEST_TTL_MS } from './m365.options';

export type AuthRequestPurpose = (typeof m365AuthRequests.$inferSelect)['purpose'];

/**
 * The `state` of a browser round trip to Entra ID, kept server-side with its PKCE verifier
 * (sealed), so a callback is accepted once, for the tenant that started it, within 10 minutes.
 */
export class AuthRequests {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly box: SecretBox,
  ) {}

  async create(
    tenantId: string,
    purpose: AuthRequestPurpose,
    verifier?: string,
  ): Promise<{ state: string; expiresAt: Date }> {
    const state = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + AUTH_REQUEST_TTL_MS);
    const db = this.uow.executor;
    await db.delete(m365AuthRequests).where(lt(m365AuthRequests.expiresAt, new Date()));
    await db.insert(m365AuthRequests).values({
      state,
      tenantId,
      purpose,
      verifierCiphertext: verifier === undefined ? null : this.box.seal(verifier),
      expiresAt,
    });
    return { state, expiresAt };
  }

  /** The request of `state` if it is live and for `purpose`; it cannot be used again. */
  async consume(
    state: string | undefined,
    purpose: AuthRequestPurpose,
  ): Promise<{ tenantId: string; verifier?: string } | undefined> {
    if (!state || state.length > 100) return undefined;
    const [row] = await this.uow.executor
      .delete(m365AuthRequests)
      .where(
        and(
          eq(m365AuthRequests.state, state),
          eq(m365AuthRequests.purpose, purpose),
          gt(m365AuthRequests.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!row) return undefined;
    return {
      tenantId: row.tenantId,
      ...(row.verifierCiphertext ? { verifier: this.box.open(row.verifierCiphertext) } : {}),
    };
  }
}
