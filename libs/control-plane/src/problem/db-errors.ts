import { ApiProblem, conflict } from './problem';

interface PgErrorLike {
  code: string;
  constraint?: string;
  detail?: string;
}

/** Drizzle wraps driver errors (DrizzleQueryError.cause); finds the PostgreSQL error inside. */
export function pgErrorOf(err: unknown): PgErrorLike | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return current as PgErrorLike;
    }
    current = candidate.cause;
  }
  return undefined;
}

/**
 * Which field a unique index protects, so a 409 names it. Keyed by constraint/index name as
 * written in libs/persistence/src/schema.
 */
export const uniqueConstraintFields: Record<string, string> = {
  tenants_pkey: 'id',
  tenants_teams_subdomain_uq: 'teamsSubdomain',
  sites_tenant_name_uq: 'name',
  trunks_tenant_name_uq: 'name',
  number_ranges_tenant_first_uq: 'firstNumber',
  skills_tenant_name_uq: 'name',
  queues_tenant_name_uq: 'name',
  agents_tenant_upn_uq: 'upn',
  flows_tenant_name_uq: 'name',
  experts_tenant_user_uq: 'userId',
};

/** Maps constraint violations to client errors; anything else stays a server error. */
export function problemFromDatabaseError(
  err: unknown,
  fields: Record<string, string> = uniqueConstraintFields,
): ApiProblem | undefined {
  const pg = pgErrorOf(err);
  if (!pg) return undefined;
  if (pg.code === '23505') {
    const field = (pg.constraint && fields[pg.constraint]) || '(root)';
    return conflict(field, 'already exists: the value must be unique within the tenant');
  }
  if (pg.code === '23503') {
    return new ApiProblem('conflict', 'the object is referenced by, or refers to, another object');
  }
  if (pg.code === '40001' || pg.code === '40P01') {
    return new ApiProblem('conflict', 'a concurrent change got in the way; retry the request');
  }
  return undefined;
}
