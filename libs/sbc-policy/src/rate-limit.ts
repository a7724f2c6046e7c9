// Per-source token buckets so a flood from one address cannot starve the others. Memory is
// bounded: at `maxSources` the least recently seen source is forgotten (a Map keeps insertion
// order, and a source is re-inserted when seen, so the first key is the idlest).

export interface RateLimitOptions {
  perSourcePerSecond: number;
  burst: number;
  /** Sources tracked at most (default 100,000, about 10 MB). */
  maxSources?: number;
  /** Milliseconds clock; default Date.now. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly max: number;
  private readonly clock: () => number;

  constructor(options: RateLimitOptions) {
    this.rate = options.perSourcePerSecond / 1000;
    this.burst = options.burst;
    this.max = options.maxSources ?? 100_000;
    this.clock = options.now ?? Date.now;
  }

  /** Takes one token for `source`; false: over its rate (answer 503 or drop). */
  allow(source: string, now = this.clock()): boolean {
    let bucket = this.buckets.get(source);
    if (bucket) {
      this.buckets.delete(source);
      bucket.tokens = Math.min(
        this.burst,
        bucket.tokens + Math.max(0, now - bucket.at) * this.rate,
      );
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.max) {
        const idlest = this.buckets.keys().next().value;
        if (idlest !== undefined) this.buckets.delete(idlest);
      }
      bucket = { tokens: this.burst, at: now };
    }
    this.buckets.set(source, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }
}
