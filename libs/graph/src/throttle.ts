/**
 * A per-tenant request budget for Graph: a token bucket (steady rate, small burst) plus the
 * Retry-After that Graph last answered with. Every request of a tenant takes a token first; a 429
 * blocks the tenant until Retry-After has passed, and the bucket restarts empty so the requests
 * that queued up resume at the steady rate instead of as a storm.
 * https://learn.microsoft.com/graph/throttling (honour Retry-After; back off)
 */
export interface ThrottleOptions {
  /** Requests per second per tenant. */
  ratePerSecond: number;
  /** Largest burst per tenant. */
  burst: number;
  /** Retry-After to assume when a 429 carries none, in seconds. */
  defaultRetryAfterSeconds?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  blockedUntil: number;
  /** Callers waiting, so tokens go out in arrival order. */
  queue: Promise<void>;
}

export interface ThrottleState {
  tokens: number;
  blockedForMs: number;
}

export class GraphThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** 429s seen, per tenant (metrics). */
  readonly throttled = new Map<string, number>();

  constructor(private readonly options: ThrottleOptions) {
    if (options.ratePerSecond <= 0 || options.burst < 1) throw new Error('invalid throttle');
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Waits for this tenant's turn; resolves when a request may be sent. */
  take(tenantId: string): Promise<void> {
    const bucket = this.bucket(tenantId);
    const turn = bucket.queue.then(() => this.wait(bucket));
    bucket.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Records a 429: the tenant sends nothing until `retryAfterSeconds` have passed. */
  backOff(tenantId: string, retryAfterSeconds: number | undefined): void {
    const bucket = this.bucket(tenantId);
    const seconds = retryAfterSeconds ?? this.options.defaultRetryAfterSeconds ?? 10;
    const until = this.now() + Math.max(0, seconds) * 1000;
    bucket.blockedUntil = Math.max(bucket.blockedUntil, until);
    bucket.tokens = 0;
    bucket.refilledAt = bucket.blockedUntil;
    this.throttled.set(tenantId, (this.throttled.get(tenantId) ?? 0) + 1);
  }

  state(tenantId: string): ThrottleState {
    const bucket = this.bucket(tenantId);
    this.refill(bucket);
    return {
      tokens: bucket.tokens,
      blockedForMs: Math.max(0, bucket.blockedUntil - this.now()),
    };
  }

  private async wait(bucket: Bucket): Promise<void> {
    for (;;) {
      const now = this.now();
      if (bucket.blockedUntil > now) {
        await this.sleep(bucket.blockedUntil - now);
        continue;
      }
      this.refill(bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - bucket.tokens) * 1000) / this.options.ratePerSecond));
    }
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    if (now <= bucket.refilledAt) return;
    const added = ((now - bucket.refilledAt) / 1000) * this.options.ratePerSecond;
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + added);
    bucket.refilledAt = now;
  }

  private bucket(tenantId: string): Bucket {
    let bucket = this.buckets.get(tenantId);
    if (!bucket) {
      bucket = {
        tokens: this.options.burst,
        refilledAt: this.now(),
        blockedUntil: 0,
        queue: Promise.resolve(),
      };
      this.buckets.set(tenantId, bucket);
    }
    return bucket;
  }
}

/** Retry-After in seconds from a header value (delta-seconds or an HTTP date). */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
