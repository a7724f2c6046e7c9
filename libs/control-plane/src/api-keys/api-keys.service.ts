import { apiKeys } from '@ccx/persistence';
import { generateApiKey, type ApiKeyScope } from '@ccx/security';
import { parsePageQuery, type Page } from '../pagination/cursor';
import type { TenantScope } from '../persistence/tenant-scope';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { ApiProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import { parsePatch } from '../resources/resource.service';
import { toOutput, type Values } from '../resources/resource-def';
import { apiKeyCreateSchema, apiKeyPatchSchema } from './api-key.schemas';

/** A stored key as shown: never the hash. */
const show = (row: typeof apiKeys.$inferSelect): Values => {
  const { hash: _hash, ...rest } = row;
  return toOutput(rest);
};

/**
 * API keys of one tenant: the key is generated here, returned once, and only its SHA-256 is
 * stored. "Deleting" a key revokes it (the row stays, with revokedAt, for the audit trail).
 */
export class ApiKeysService {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Issues a key. `grantor` is the scopes of the key making the request: a key cannot mint a
   * key with more rights than itself. The operator passes no grantor.
   */
  async issue(scope: TenantScope, body: unknown, grantor?: readonly ApiKeyScope[]) {
    const input = parseOrThrow(apiKeyCreateSchema, body);
    const extra = grantor ? input.scopes.filter((s) => !grantor.includes(s)) : [];
    if (extra.length) {
      throw new ApiProblem('forbidden', `this key cannot grant ${extra.join(', ')}`, [
        { field: 'scopes', message: `not held by the requesting key: ${extra.join(', ')}` },
      ]);
    }
    const generated = generateApiKey(scope.tenantId);
    return this.uow.run(async () => {
      const row = await scope.insert(apiKeys, {
        name: input.name,
        scopes: input.scopes,
        prefix: generated.prefix,
        hash: generated.hash,
      });
      return { ...show(row), key: generated.key };
    });
  }

  async get(scope: TenantScope, id: string): Promise<Values> {
    return show(await scope.require(apiKeys, id, 'API key'));
  }

  async list(scope: TenantScope, query: unknown): Promise<Page<Values>> {
    const page = await scope.list(apiKeys, parsePageQuery(query));
    return { items: page.items.map(show), nextCursor: page.nextCursor };
  }

  async rename(scope: TenantScope, id: string, body: unknown): Promise<Values> {
    const patch = parsePatch(apiKeyPatchSchema, body);
    return this.uow.run(async () => {
      await scope.require(apiKeys, id, 'API key');
      const row = await scope.update(apiKeys, id, patch);
      return show(row as typeof apiKeys.$inferSelect);
    });
  }

  /** Revokes the key; revoking a revoked key changes nothing. */
  async revoke(scope: TenantScope, id: string): Promise<void> {
    await this.uow.run(async () => {
      const row = await scope.require(apiKeys, id, 'API key');
      if (!row.revokedAt) await scope.update(apiKeys, id, { revokedAt: new Date() });
    });
  }
}
