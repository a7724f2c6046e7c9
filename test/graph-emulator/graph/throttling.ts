import type { EmulatorClock } from '../clock';
import { graphError, type GraphResponse } from './http';

/**
 * Graph throttling: a request budget per app per tenant (default the documented presence limit,
 * 1,500 requests in 30 seconds), 429 TooManyRequests with Retry-After in seconds once it is spent,
 * and a forced "storm" in which every request is refused for a while. Windows run on the emulator
 * clock, so a test can advance past them.
 * https://learn.microsoft.com/graph/throttling
 * https://learn.microsoft.com/graph/throttling-limits#cloud-communication-service-limits
 *
 * It also counts requests (per tenant, per endpoint) so a benchmark can prove how many Graph calls
 * a sync took.
 */
export interface ThrottleBudget {
  requests: number;
  windowSeconds: number;
}

export const PRESENCE_BUDGET: ThrottleBudget = { requests: 1500, windowSeconds: 30 };

export interface RequestCounts {
  /** HTTPS requests received (a $batch counts once here). */
  http: number;
  /** HTTPS requests per caller tenant ('unauthenticated' when the token did not verify). */
  byTenant: Record<string, number>;
  /** Operations per `METHOD /path/with/{id}` (batch items counted under their own endpoint). */
  byEndpoint: Record<string, number>;
  /** Operations refused with 429. */
  throttled: number;
}

interface Window {
  start: number;
  used: number;
}

export class Throttle {
  private budget: ThrottleBudget = PRESENCE_BUDGET;
  private readonly windows = new Map<string, Window>();
  private storm: { until: number; tenantId?: string } | undefined;
  private counts: RequestCounts = emptyCounts();

  constructor(private readonly clock: EmulatorClock) {}

  configure(budget: ThrottleBudget): void {
    this.budget = budget;
    this.windows.clear();
  }

  /** Every request (of one tenant, or of all) gets 429 for `seconds` of emulator time. */
  forceStorm(seconds: number, tenantId?: string): void {
    this.storm = { until: this.clock.now() + seconds * 1000, ...(tenantId ? { tenantId } : {}) };
  }

  countHttp(tenantId: string | undefined): void {
    this.counts.http += 1;
    const key = tenantId ?? 'unauthenticated';
    this.counts.byTenant[key] = (this.counts.byTenant[key] ?? 0) + 1;
  }

  /** Takes one request from the app's budget in the tenant; a 429 when there is none left. */
  admit(appId: string, tenantId: string, method: string, path: string): GraphResponse | undefined {
    this.countOperation(method, path);
    const now = this.clock.now();
    if (this.storm && this.storm.until > now) {
      if (!this.storm.tenantId || this.storm.tenantId === tenantId) {
        return this.refuse(this.storm.until - now);
      }
    }
    const key = `${appId}/${tenantId}`;
    const windowMs = this.budget.windowSeconds * 1000;
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    if (w.used >= this.budget.requests) return this.refuse(w.start + windowMs - now);
    w.used += 1;
    return undefined;
  }

  /** Counts an operation without taking from the budget (the envelope of a $batch). */
  countOperation(method: string, path: string): void {
    const endpoint = `${method} ${endpointOf(path)}`;
    this.counts.byEndpoint[endpoint] = (this.counts.byEndpoint[endpoint] ?? 0) + 1;
  }

  requestCounts(): RequestCounts {
    return structuredClone(this.counts);
  }

  resetCounts(): void {
    this.counts = emptyCounts();
  }

  private refuse(waitMs: number): GraphResponse {
    this.counts.throttled += 1;
    const retryAfter = String(Math.max(1, Math.ceil(waitMs / 1000)));
    return graphError(429, 'TooManyRequests', 'Please retry again later.', {
      'Retry-After': retryAfter,
    });
  }
}

const emptyCounts = (): RequestCounts => ({ http: 0, byTenant: {}, byEndpoint: {}, throttled: 0 });

/** /users/8f1c.../presence -> /users/{id}/presence (GUIDs, UPNs and long opaque ids). */
export function endpointOf(path: string): string {
  return path
    .split('/')
    .map((seg) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg) ||
      seg.includes('@')
        ? '{id}'
        : seg,
    )
    .join('/');
}
