import { Agent, request } from 'undici';
import type { SignedHeaders } from './signing';
import {
  assertLiteralAllowed,
  guardedLookup,
  TargetRefusedError,
  type TargetPolicy,
} from './target-guard';

export interface SendResult {
  /** The HTTP status, or null when no response came (refused, connect error, timeout). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SenderOptions extends TargetPolicy {
  timeoutMs: number;
  /** Open connections per origin. */
  connectionsPerOrigin?: number;
}

const USER_AGENT = 'ccx-webhooks/1 (+https://www.standardwebhooks.com)';
/** Response bodies are not kept; at most this much is read to keep the connection reusable. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * POSTs signed payloads over a keep-alive connection pool (undici). The time budget is undici's:
 * `timeoutMs` to connect, `timeoutMs` for the response headers, `timeoutMs` between body chunks. Every new connection resolves
 * its host through the target guard and connects to the address it approved; redirects are not
 * followed (a 3xx is a failed attempt), so a partner URL cannot bounce us somewhere private.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 128,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs, lookup: guardedLookup(options) },
    });
  }

  async post(url: string, body: string, signed: SignedHeaders): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      this.checkLiteral(url);
      const res = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        body,
        headers: { ...signed, 'content-type': 'application/json', 'user-agent': USER_AGENT },
      });
      await res.body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        statusCode: res.statusCode,
        error: ok ? null : `HTTP ${res.statusCode}`,
        durationMs: elapsed(),
      };
    } catch (err) {
      return {
        statusCode: null,
        error: describeError(err, this.options.timeoutMs),
        durationMs: elapsed(),
      };
    }
  }

  /** IP-literal hosts get no DNS lookup, so they are judged here (cached per URL). */
  private readonly literalChecked = new Set<string>();
  private checkLiteral(url: string): void {
    if (this.literalChecked.has(url)) return;
    assertLiteralAllowed(new URL(url), this.options);
    if (this.literalChecked.size > 10_000) this.literalChecked.clear();
    this.literalChecked.add(url);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof TargetRefusedError) return `target refused: ${err.reason}`;
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (e.cause instanceof TargetRefusedError) return `target refused: ${e.cause.reason}`;
  if (/timeout|AbortError/i.test(e.name ?? '') || /TIMEOUT/.test(e.code ?? '')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  return [code, e.message].filter(Boolean).join(': ').slice(0, 500) || 'request failed';
}
