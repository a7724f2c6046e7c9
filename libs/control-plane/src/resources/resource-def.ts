import { z } from 'zod';
import type { ConfigResource } from '../events/config-events';
import type { OwnedTable, TenantScope } from '../persistence/tenant-scope';

export type Values = Record<string, unknown>;

/** An id in the body that must name an object of the caller's own tenant. */
export interface ReferenceCheck {
  /** The field as the client wrote it, e.g. `siteId` or `requiredSkills.1.skillId`. */
  field: string;
  table: OwnedTable;
  /** Human name of the target, e.g. "site". */
  what: string;
  id: string;
}

/** Settings of the API process that some checks need. */
export interface ResourceSettings {
  /** Where prompts (WAV files named by flows) live: API_PROMPT_DIR. */
  promptDir: string;
}

export interface WriteContext {
  scope: TenantScope;
  settings: ResourceSettings;
  /** The object as it will be stored: current row merged with the patch (or the new body). */
  next: Values;
  /** Set on update. */
  id?: string;
}

/**
 * Everything the generic CRUD routes, the OpenAPI document and the tests need to know about one
 * tenant resource. Adding a resource = one definition file + its entry in `tenantResources`.
 */
export interface ResourceDef {
  /** Name in config.changed events. */
  resource: ConfigResource;
  /** URL segment under /v1, plural kebab-case. */
  path: string;
  /** Human name used in messages ("no site with id ..."). */
  singular: string;
  /** Component name in OpenAPI (`Site`, `SiteCreate`, `SitePatch`). */
  schemaName: string;
  tag: string;
  table: OwnedTable;
  create: z.ZodObject;
  /** Every field optional, no defaults (a missing field is left as it is). */
  patch: z.ZodObject;
  output: z.ZodObject;
  references?: (input: Values) => ReferenceCheck[];
  /** Cross-field and cross-row rules, run inside the write transaction. */
  validate?: (ctx: WriteContext) => Promise<void>;
  /** Refuse to delete an object still in use (throw a conflict problem). */
  beforeDelete?: (scope: TenantScope, row: Values) => Promise<void>;
}

export const objectId = z.uuid().meta({ description: 'Object id (UUID).' });

export const displayName = z.string().trim().min(1).max(120);

/** A reference field: optional on create, `null` on patch clears it. */
export const refField = (what: string) =>
  z
    .uuid()
    .nullable()
    .meta({ description: `Id of a ${what} of the same tenant.` });

/** Fields every stored object shows. */
export const storedFields = {
  id: objectId,
  revision: z
    .number()
    .int()
    .meta({ description: 'Grows by one on every change; carried by config.changed.' }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
};

/** A database row as the API shows it: no tenant id, dates as ISO 8601 strings. */
export function toOutput(row: Values): Values {
  const out: Values = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'tenantId') continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/** The same schema without its default: patches leave a missing field as it is. */
export function withoutDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

/** Every field of a create shape, without defaults (for patch and output schemas). */
export function withoutDefaults(shape: Record<string, z.ZodType>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, withoutDefault(v)]));
}

/** Refuses duplicates of `key` in an array field (e.g. the same skill twice). */
export function uniqueBy<T extends Values>(key: keyof T & string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      if (seen.has(item[key])) {
        ctx.addIssue({ code: 'custom', path: [i, key], message: `duplicate ${key}` });
      }
      seen.add(item[key]);
    });
  };
}
