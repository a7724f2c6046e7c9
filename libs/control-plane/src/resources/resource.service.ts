import type { z } from 'zod';
import { parsePageQuery, type Page } from '../pagination/cursor';
import type { OwnedTable, TenantScope } from '../persistence/tenant-scope';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { notFound, validationProblem, type FieldError } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import { toOutput, type ResourceDef, type ResourceSettings, type Values } from './resource-def';

/**
 * The use-cases behind every generic tenant resource route. Each write runs in one transaction
 * (joining the request's, see UnitOfWork): validation, reference checks, cross-row rules and the
 * write itself either all happen or none does.
 */
export class ResourceService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: ResourceSettings = { promptDir: 'prompts' },
  ) {}

  async create(def: ResourceDef, scope: TenantScope, body: unknown): Promise<Values> {
    const input: Values = parseOrThrow(def.create, body);
    return this.uow.run(async () => {
      await this.checkReferences(def, scope, input);
      await def.validate?.({ scope, settings: this.settings, next: input });
      return toOutput(await scope.insert(def.table, input));
    });
  }

  async get(def: ResourceDef, scope: TenantScope, id: string): Promise<Values> {
    return toOutput(await scope.require(def.table, id, def.singular));
  }

  async list(def: ResourceDef, scope: TenantScope, query: unknown): Promise<Page<Values>> {
    const page = await scope.list(def.table, parsePageQuery(query));
    return { items: page.items.map(toOutput), nextCursor: page.nextCursor };
  }

  async update(def: ResourceDef, scope: TenantScope, id: string, body: unknown): Promise<Values> {
    const patch: Values = parsePatch(def.patch, body);
    return this.uow.run(async () => {
      const current = await scope.require(def.table, id, def.singular);
      await this.checkReferences(def, scope, patch);
      await def.validate?.({ scope, settings: this.settings, next: { ...current, ...patch }, id });
      const row = await scope.update(def.table, id, patch);
      if (!row) throw notFound(def.singular, id);
      return toOutput(row);
    });
  }

  async delete(def: ResourceDef, scope: TenantScope, id: string): Promise<void> {
    await this.uow.run(async () => {
      const row = await scope.require(def.table, id, def.singular);
      await def.beforeDelete?.(scope, row);
      await scope.delete(def.table, id);
    });
  }

  /** Every id in the input must name an object of the caller's tenant; a 400 names the field. */
  private async checkReferences(def: ResourceDef, scope: TenantScope, input: Values) {
    const refs = def.references?.(input) ?? [];
    const missing = new Map<OwnedTable, Set<string>>();
    for (const table of new Set(refs.map((r) => r.table))) {
      const ids = refs.filter((r) => r.table === table).map((r) => r.id);
      missing.set(table, new Set(await scope.missingIds(table, ids)));
    }
    const errors: FieldError[] = refs
      .filter((ref) => missing.get(ref.table)?.has(ref.id))
      .map((ref) => ({ field: ref.field, message: `no ${ref.what} with id "${ref.id}"` }));
    if (errors.length) throw validationProblem(errors);
  }
}

/** A PATCH body: the resource's patch schema, and at least one field. */
export function parsePatch(schema: z.ZodObject, body: unknown): Values {
  const patch: Values = parseOrThrow(schema, body);
  if (Object.keys(patch).length === 0) {
    throw validationProblem([{ field: '(root)', message: 'name at least one field to change' }]);
  }
  return patch;
}
