import { createSecureContext, rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { Agent, request } from 'undici';

/**
 * HTTPS to Entra ID and Graph through one undici connection pool per process. `extraCaPem` adds a
 * certificate authority to the system ones: the in-repo Microsoft 365 emulator's test CA, or a
 * corporate TLS-inspecting proxy's. Node reads NODE_EXTRA_CA_CERTS only at start, and MSAL and the
 * Graph client each bring their own HTTP stack, so both are pointed at this one instead.
 */
export interface HttpOptions {
  /** PEM of one or more extra CA certificates to trust. */
  extraCaPem?: string;
  /** Per-request timeout (headers and body), default 10 s. */
  timeoutMs?: number;
}

export function httpAgent(options: HttpOptions = {}): Agent {
  const timeout = options.timeoutMs ?? 10_000;
  // One secure context for every connection: building one from ~150 roots costs milliseconds.
  const secureContext = options.extraCaPem
    ? createSecureContext({ ca: [...rootCertificates, options.extraCaPem] })
    : undefined;
  return new Agent({
    connect: { ...(secureContext ? { secureContext } : {}), timeout },
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 30_000,
    connections: 32,
  });
}

const flatHeaders = (headers: Record<string, string | string[] | undefined>) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
};

/**
 * MSAL's network module over our agent (msal-node `system.networkClient`). MSAL parses the body as
 * JSON itself only with its default client; a custom one must return the parsed object, and an
 * error status still resolves (MSAL reads the error body).
 */
export function msalNetworkClient(agent: Agent): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
  ): Promise<NetworkResponse<T>> => {
    const res = await request(url, {
      method,
      dispatcher: agent,
      headers: options?.headers ?? {},
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
    });
    const text = await res.body.text();
    let body: unknown = {};
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = { error: 'invalid_response', error_description: text.slice(0, 200) };
      }
    }
    return { status: res.statusCode, headers: flatHeaders(res.headers), body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
