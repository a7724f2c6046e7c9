import { z } from 'zod';
import { fieldProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';

/**
 * Keyset pagination: lists are ordered by (created_at, id), and the cursor is the key of the
 * last item returned. `createdAt` is kept as PostgreSQL prints it (microseconds), never as a JS
 * Date, which would drop the microseconds and repeat or skip rows.
 */
export interface CursorKey {
  createdAt: string;
  id: string;
}

const CURSOR_VERSION = 1;
/** `timestamptz::text` as PostgreSQL prints it (UTC sessions and others). */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)$/;
const cursorSchema = z.tuple([z.literal(CURSOR_VERSION), z.string().min(1), z.string().min(1)]);

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, key.createdAt, key.id])).toString('base64url');
}

/** Throws a 400 problem naming `cursor` when the value is not a cursor this API issued. */
export function decodeCursor(cursor: string): CursorKey {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fieldProblem('cursor', 'not a cursor returned by this API');
  }
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success || !PG_TIMESTAMP.test(parsed.data[1])) {
    throw fieldProblem('cursor', 'not a cursor returned by this API');
  }
  return { createdAt: parsed.data[1], id: parsed.data[2] };
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const pageQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE}.` }),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});

export interface PageRequest {
  limit: number;
  after?: CursorKey;
}

/** Parses `?limit=&cursor=` (a 400 names the bad parameter). */
export function parsePageQuery(query: unknown): PageRequest {
  const q = parseOrThrow(pageQuerySchema, query ?? {});
  return { limit: q.limit, ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}) };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
