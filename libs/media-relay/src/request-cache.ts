// Replies by caller-chosen request id, so a command retried after a lost reply or a timeout is
// harmless: the retry gets the first reply (or waits for the first attempt still running)
// instead of allocating a second session or restarting a prompt. Failures are not kept: a
// retry of a failed request runs again. Bounded by count and age.

export class RequestCache {
  private readonly entries = new Map<string, { at: number; reply: Promise<unknown> }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Runs `work` once per key within the TTL; later calls with the key share its reply. */
  run<T>(key: string, work: () => Promise<T>, nowMs = Date.now()): Promise<T> {
    this.evict(nowMs);
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit.reply as Promise<T>;
    const reply = work();
    this.entries.set(key, { at: nowMs, reply });
    reply.catch(() => this.entries.delete(key));
    return reply;
  }

  private evict(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxEntries && nowMs - entry.at <= this.ttlMs) break;
      this.entries.delete(key);
    }
  }
}
