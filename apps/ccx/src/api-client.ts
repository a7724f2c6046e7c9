import { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: {
      title?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    },
  ) {
    const fields = problem.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    super(
      `${status} ${problem.title ?? 'error'}${problem.detail ? `: ${problem.detail}` : ''}${fields ? ` (${fields})` : ''}`,
    );
  }
}

const problemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const pageSchema = z.object({
  items: z.array(z.record(z.string(), z.unknown())),
  nextCursor: z.string().nullable().optional(),
});

export interface ApiTarget {
  url: string;
  key: string;
}

/** A small client for the control-plane API: bearer auth, JSON, problem+json errors. */
export class ApiClient {
  constructor(private readonly target: ApiTarget) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const url = new URL(path, this.target.url);
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.target.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: unknown) => {
      const cause =
        err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new Error(`cannot reach the API at ${url.origin} (${cause})`);
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const problem = problemSchema.safeParse(json);
      throw new ApiError(
        res.status,
        problem.success ? problem.data : { detail: text.slice(0, 200) },
      );
    }
    return json;
  }

  /** Follows cursors until `limit` items are collected (or the list ends). */
  async list(path: string, limit: number): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null | undefined;
    do {
      const url = new URL(path, this.target.url);
      url.searchParams.set('limit', String(Math.min(200, limit - items.length)));
      if (cursor) url.searchParams.set('cursor', cursor);
      const page = pageSchema.parse(await this.request('GET', url.pathname + url.search));
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < limit);
    return items;
  }
}
