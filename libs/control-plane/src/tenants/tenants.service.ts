import { eq, sql } from 'drizzle-orm';
import { tenants } from '@ccx/persistence';
import type { ConfigEvents } from '../events/config-events';
import { parsePageQuery, type Page } from '../pagination/cursor';
import { keysetPage } from '../pagination/keyset';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { notFound, validationProblem, type ApiProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import { parsePatch } from '../resources/resource.service';
import { toOutput, type Values } from '../resources/resource-def';
import { callerIdErrors, tenantCreateSchema, tenantPatchSchema } from './tenant.schemas';

/** Operator use-cases on tenants. Deleting a tenant deletes everything it owns (cascade). */
export class TenantsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: ConfigEvents,
  ) {}

  private get db() {
    return this.uow.executor;
  }

  async create(body: unknown): Promise<Values> {
    const input = parseOrThrow(tenantCreateSchema, body);
    const errors = callerIdErrors(input);
    if (errors.length) throw validationProblem(errors);
    return this.uow.run(async () => {
      const [row] = await this.db.insert(tenants).values(input).returning();
      if (!row) throw new Error('insert returned no row');
      this.events.changed(row.id, {
        resource: 'tenant',
        id: row.id,
        action: 'created',
        revision: 1,
      });
      return toOutput(row);
    });
  }

  async get(id: string): Promise<Values> {
    return toOutput(await this.require(id));
  }

  /** The tenant row, or a 404 problem. */
  async require(id: string): Promise<typeof tenants.$inferSelect> {
    const [row] = await this.db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
    if (!row) throw this.missing(id);
    return row;
  }

  async list(query: unknown): Promise<Page<Values>> {
    const page = await keysetPage(this.db, tenants, parsePageQuery(query));
    return { items: page.items.map(toOutput), nextCursor: page.nextCursor };
  }

  async update(id: string, body: unknown): Promise<Values> {
    const patch = parsePatch(tenantPatchSchema, body);
    return this.uow.run(async () => {
      const errors = callerIdErrors({ ...(await this.require(id)), ...patch });
      if (errors.length) throw validationProblem(errors);
      const [row] = await this.db
        .update(tenants)
        .set({ ...patch, revision: sql`${tenants.revision} + 1`, updatedAt: sql`now()` })
        .where(eq(tenants.id, id))
        .returning();
      if (!row) throw this.missing(id);
      this.events.changed(id, {
        resource: 'tenant',
        id,
        action: 'updated',
        revision: row.revision,
      });
      return toOutput(row);
    });
  }

  async delete(id: string): Promise<void> {
    await this.uow.run(async () => {
      const [row] = await this.db.delete(tenants).where(eq(tenants.id, id)).returning();
      if (!row) throw this.missing(id);
      this.events.changed(id, {
        resource: 'tenant',
        id,
        action: 'deleted',
        revision: row.revision + 1,
      });
    });
  }

  private missing(id: string): ApiProblem {
    return notFound('tenant', id);
  }
}
