import type { EmulatorContext } from '../context';
import { authenticate, type Caller } from './auth';
import { graphError, isGraphResponse, type GraphRequest, type GraphResponse } from './http';
import type { Throttle } from './throttling';

export type Handler = (
  req: GraphRequest,
  caller: Caller,
  params: string[],
) => GraphResponse | Promise<GraphResponse>;

export interface Route {
  method: string;
  /** Matched against GraphRequest.path; capture groups become `params` (URI-decoded). */
  pattern: RegExp;
  handler: Handler;
  /** Versions the operation exists in (default v1.0 and beta). */
  versions?: Array<GraphRequest['version']>;
}

/** Runs a batch's items through `item`; returns the batch response. */
export type BatchRunner = (
  req: GraphRequest,
  item: (sub: GraphRequest) => Promise<GraphResponse>,
) => Promise<GraphResponse>;

/**
 * Every Graph request: counted, authenticated (401), then for each operation (a request, or each
 * item of a $batch) throttled per app per tenant (429) and routed.
 */
export class GraphRouter {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly throttle: Throttle,
    private readonly routes: Route[],
    private readonly batch: BatchRunner,
  ) {}

  async handle(req: GraphRequest): Promise<GraphResponse> {
    const caller = await authenticate(this.ctx, req.headers['authorization']);
    this.throttle.countHttp(isGraphResponse(caller) ? undefined : caller.tenantId);
    if (isGraphResponse(caller)) return caller;
    if (req.method === 'POST' && req.path === '/$batch') {
      // Graph evaluates each item of a batch against the limits, not the envelope.
      this.throttle.countOperation(req.method, req.path);
      return this.batch(req, (sub) => this.operation(sub, caller));
    }
    return this.operation(req, caller);
  }

  private async operation(req: GraphRequest, caller: Caller): Promise<GraphResponse> {
    const refused = this.throttle.admit(caller.appId, caller.tenantId, req.method, req.path);
    if (refused) return refused;
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      if (route.versions && !route.versions.includes(req.version)) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
      return route.handler(req, caller, params);
    }
    return pathMatched
      ? graphError(405, 'Request_BadRequest', `${req.method} is not supported on ${req.path}.`)
      : graphError(
          400,
          'BadRequest',
          `Resource not found for the segment '${req.path.split('/')[1] ?? ''}'.`,
        );
  }
}
