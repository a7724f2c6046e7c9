import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext, EmulatorPart } from '../context';
import { GraphControl } from './control';
import { badRequest, type GraphRequest, type GraphResponse } from './http';

export { GraphControl } from './control';
export type { DeliveryLogEntry, DeliveryOptions } from './delivery';
export type { PresenceView } from './presence-store';
export type { Subscription } from './subscriptions';
export type { RequestCounts, ThrottleBudget } from './throttling';
export { CHANGE_TRACKING_APP_ID } from './notifications';

/** One Graph per emulator, found again from anything that shares the emulator's directory. */
const graphs = new WeakMap<object, GraphControl>();

/**
 * The Graph of a started emulator, for its test API:
 *   const graph = graphOf(m365); graph.setClientSession(userId, 'Busy', 'InACall');
 * Call `graph.stop()` when the emulator closes.
 */
export function graphOf(emulator: Pick<EmulatorContext, 'directory'>): GraphControl {
  const graph = graphs.get(emulator.directory);
  if (!graph) throw new Error('this emulator was started without the Graph part');
  return graph;
}

/** Microsoft Graph under /v1.0 and /beta: presence, subscriptions, $batch, throttling. */
export const mountGraph: EmulatorPart = (router, ctx) => {
  const graph = new GraphControl(ctx);
  graphs.set(ctx.directory, graph);
  router.use((req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    const url = new URL(req.url ?? '/', 'https://graph.invalid');
    const m = /^\/(v1\.0|beta)(\/.*)$/.exec(url.pathname);
    if (!m?.[1] || !m[2]) {
      next();
      return;
    }
    const version = m[1] === 'beta' ? 'beta' : 'v1.0';
    const path = m[2];
    readJson(req)
      .then(async (body) => {
        const request: GraphRequest = {
          method: (req.method ?? 'GET').toUpperCase(),
          path,
          version,
          query: url.searchParams,
          headers: flatHeaders(req),
          body: body.value,
        };
        return body.error ? badRequest(body.error) : graph.router.handle(request);
      })
      .then((out) => send(res, out))
      .catch(next);
  });
  return () => graph.stop();
};

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** The request body as JSON (undefined when empty); uses a body another middleware already read. */
async function readJson(req: IncomingMessage): Promise<{ value?: unknown; error?: string }> {
  const parsed: unknown = (req as IncomingMessage & { body?: unknown }).body;
  let text: string;
  if (req.readableEnded) {
    if (typeof parsed !== 'string') return { value: parsed };
    text = parsed;
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  }
  if (text.trim() === '') return {};
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return {
      error:
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    };
  }
}

function send(res: ServerResponse, out: GraphResponse): void {
  res.statusCode = out.status;
  for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
  if (out.body === undefined) {
    res.end();
    return;
  }
  res.setHeader(
    'Content-Type',
    'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
  );
  res.end(JSON.stringify(out.body));
}
