import { z } from 'zod';
import { badRequest, graphError, ok, type GraphRequest, type GraphResponse } from './http';
import type { BatchRunner } from './router';

/**
 * JSON batching: POST /$batch with up to 20 requests, each with an id, method and relative URL
 * (and headers, body, dependsOn). Every item is authorised and throttled on its own; items with
 * dependsOn wait for those and fail with 424 when one of them failed; the others run concurrently.
 * https://learn.microsoft.com/graph/json-batching
 */
export const BATCH_MAX = 20;

const batchItem = z.object({
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});
const batchBody = z.object({ requests: z.array(batchItem) });
type BatchItem = z.output<typeof batchItem>;

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const runBatch: BatchRunner = async (req, item) => {
  const parsed = batchBody.safeParse(req.body);
  if (!parsed.success) {
    return badRequest('Invalid batch payload: requests must be an array of {id, method, url}.');
  }
  const items = parsed.data.requests;
  if (items.length === 0) return badRequest('The batch must contain at least one request.');
  if (items.length > BATCH_MAX) {
    return badRequest(`The number of requests in the batch exceeds the maximum of ${BATCH_MAX}.`);
  }
  const seen = new Set<string>();
  for (const i of items) {
    if (seen.has(i.id)) return badRequest(`Request id '${i.id}' appears more than once.`);
    for (const dep of i.dependsOn ?? []) {
      if (!seen.has(dep)) {
        return badRequest(
          `Request '${i.id}' depends on '${dep}', which is not an earlier request.`,
        );
      }
    }
    seen.add(i.id);
  }
  const done = new Map<string, Promise<ItemResponse>>();
  for (const i of items) {
    const deps = (i.dependsOn ?? []).map((d) => done.get(d));
    done.set(
      i.id,
      Promise.all(deps).then((results) =>
        results.some((r) => !r || r.status < 200 || r.status >= 300)
          ? failedDependency(i.id)
          : runItem(req, i, item),
      ),
    );
  }
  const responses = await Promise.all(items.map((i) => done.get(i.id)));
  return ok({ responses });
};

async function runItem(
  envelope: GraphRequest,
  i: BatchItem,
  item: (sub: GraphRequest) => Promise<GraphResponse>,
): Promise<ItemResponse> {
  const headers = Object.fromEntries(
    Object.entries(i.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (i.body !== undefined && !headers['content-type']) {
    return itemOf(i.id, badRequest('A request with a body must have a Content-Type header.'));
  }
  // Relative to the version; the Graph SDK's BatchRequestContent keeps the version segment in.
  const relative = i.url.replace(/^\/?/, '/').replace(/^\/(?:v1\.0|beta)(?=\/)/, '');
  const url = new URL(relative, 'https://graph.invalid');
  const res = await item({
    method: i.method.toUpperCase(),
    path: url.pathname,
    version: envelope.version,
    query: url.searchParams,
    headers: { ...envelope.headers, ...headers },
    body: i.body,
  });
  return itemOf(i.id, res);
}

const itemOf = (id: string, res: GraphResponse): ItemResponse => ({
  id,
  status: res.status,
  headers: {
    ...res.headers,
    ...(res.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
  },
  ...(res.body !== undefined ? { body: res.body } : {}),
});

const failedDependency = (id: string): ItemResponse =>
  itemOf(id, graphError(424, 'FailedDependency', 'The request depends on a request that failed.'));
