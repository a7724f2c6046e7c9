import {
  AuthenticationHandler,
  Client,
  TelemetryHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { fetch as undiciFetch, type Agent } from 'undici';

/**
 * The last middleware of the Graph client's chain: sends the request through our undici agent
 * (which trusts the configured extra CA) instead of the global fetch.
 */
class AgentHttpHandler implements Middleware {
  constructor(private readonly agent: Agent) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const init = (context.options ?? {}) as Parameters<typeof undiciFetch>[1];
    const response = await undiciFetch(url, { ...init, dispatcher: this.agent });
    // undici's Response implements the Fetch Response the Graph client reads.
    context.response = response as unknown as Response;
  }
}

export interface GraphClientOptions {
  agent: Agent;
  /** Graph root without the version, e.g. https://graph.microsoft.com (default). */
  graphUrl?: string;
  /** A bearer token for the next request (MSAL's acquireTokenByClientCredential and friends). */
  accessToken: () => Promise<string>;
}

/**
 * A Graph client whose chain is authentication → telemetry → our HTTP handler. There is no retry
 * handler on purpose: 429 and Retry-After feed the caller's per-tenant budget (GraphThrottle),
 * which a retry hidden inside the client would bypass.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const graphUrl = (options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const host = new URL(graphUrl).hostname;
  const auth = new AuthenticationHandler({ getAccessToken: options.accessToken });
  const telemetry = new TelemetryHandler();
  const http = new AgentHttpHandler(options.agent);
  auth.setNext(telemetry);
  telemetry.setNext(http);
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${graphUrl}/`,
    defaultVersion: 'v1.0',
    ...(host === 'graph.microsoft.com' ? {} : { customHosts: new Set([host]) }),
  });
}
