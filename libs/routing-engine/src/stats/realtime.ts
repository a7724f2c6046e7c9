// Live statistics for one queue over a sliding window. Outcomes go into a fixed ring of time
// buckets, so memory is bounded by the bucket count and every event is O(1) amortised; figures
// are exact to one bucket's width at the window's trailing edge.

export interface RealtimeOptions {
  /** Sliding window, e.g. 15 minutes. */
  windowMs: number;
  /** Answered within this wait counts towards the service level. */
  serviceLevelThresholdMs: number;
  /** Callers who hang up sooner than this are left out of service level and abandonment. */
  shortAbandonMs: number;
  /** Number of buckets in the ring (default 60: 15 s resolution for a 15-minute window). */
  buckets?: number;
}

export interface RealtimeSnapshot {
  waiting: number;
  longestWaitMs: number;
  agentsByState: Record<string, number>;
  /** Within the window. */
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  /** answeredWithinSl / (answered + abandoned); null with neither in the window. */
  serviceLevel: number | null;
  /** Mean wait of answered calls; null with none answered. */
  asaMs: number | null;
  /** abandoned / (answered + abandoned); null with neither. */
  abandonmentRate: number | null;
}

interface Bucket {
  offered: number;
  answered: number;
  answeredWithinSl: number;
  sumAnswerWaitMs: number;
  abandoned: number;
  shortAbandoned: number;
}

const emptyBucket = (): Bucket => ({
  offered: 0,
  answered: 0,
  answeredWithinSl: 0,
  sumAnswerWaitMs: 0,
  abandoned: 0,
  shortAbandoned: 0,
});

export class QueueRealtimeStats {
  private readonly bucketMs: number;
  private readonly ring: Bucket[];
  /** Index (time / bucketMs) of the newest bucket in the ring. */
  private head: number | null = null;
  /** Waiting interactions by id, kept in order of enqueue time (oldest first). */
  private waitingSince = new Map<string, number>();
  private lastEnqueueAt = Number.NEGATIVE_INFINITY;
  private readonly agentState = new Map<string, string>();
  private readonly stateCounts = new Map<string, number>();

  constructor(private readonly options: RealtimeOptions) {
    const count = options.buckets ?? 60;
    if (!(options.windowMs > 0))
      throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`buckets must be a positive integer, got ${count}`);
    if (!(options.serviceLevelThresholdMs >= 0) || !(options.shortAbandonMs >= 0)) {
      throw new RangeError('serviceLevelThresholdMs and shortAbandonMs must be non-negative');
    }
    this.bucketMs = options.windowMs / count;
    this.ring = Array.from({ length: count }, emptyBucket);
  }

  enqueued(interactionId: string, at: number): void {
    if (this.waitingSince.has(interactionId)) return;
    if (at >= this.lastEnqueueAt) {
      this.waitingSince.set(interactionId, at);
      this.lastEnqueueAt = at;
      return;
    }
    // Re-entry that keeps an earlier place (callback, failed transfer): rare, so a rebuild is fine.
    const entries = [...this.waitingSince, [interactionId, at] as [string, number]];
    entries.sort((a, b) => a[1] - b[1]);
    this.waitingSince = new Map(entries);
  }

  /** An offer to an agent; counted in the window. */
  offered(at: number): void {
    const b = this.bucketAt(at);
    if (b) b.offered++;
  }

  answered(interactionId: string, at: number, waitMs: number): void {
    this.waitingSince.delete(interactionId);
    const b = this.bucketAt(at);
    if (!b) return;
    b.answered++;
    b.sumAnswerWaitMs += waitMs;
    if (waitMs <= this.options.serviceLevelThresholdMs) b.answeredWithinSl++;
  }

  abandoned(interactionId: string, at: number, waitMs: number): void {
    this.waitingSince.delete(interactionId);
    const b = this.bucketAt(at);
    if (!b) return;
    if (waitMs < this.options.shortAbandonMs) b.shortAbandoned++;
    else b.abandoned++;
  }

  /** Left the queue otherwise (overflow, transfer out): no longer waiting, not an outcome here. */
  removed(interactionId: string): void {
    this.waitingSince.delete(interactionId);
  }

  /** Current state of an agent for this queue; null when the agent leaves the queue. */
  agentStateChanged(agentId: string, state: string | null): void {
    const previous = this.agentState.get(agentId);
    if (previous === state) return;
    if (previous !== undefined) {
      const n = (this.stateCounts.get(previous) ?? 1) - 1;
      if (n === 0) this.stateCounts.delete(previous);
      else this.stateCounts.set(previous, n);
    }
    if (state === null) {
      this.agentState.delete(agentId);
      return;
    }
    this.agentState.set(agentId, state);
    this.stateCounts.set(state, (this.stateCounts.get(state) ?? 0) + 1);
  }

  snapshot(now: number): RealtimeSnapshot {
    this.advanceTo(Math.floor(now / this.bucketMs));
    const sum = emptyBucket();
    for (const b of this.ring) {
      sum.offered += b.offered;
      sum.answered += b.answered;
      sum.answeredWithinSl += b.answeredWithinSl;
      sum.sumAnswerWaitMs += b.sumAnswerWaitMs;
      sum.abandoned += b.abandoned;
      sum.shortAbandoned += b.shortAbandoned;
    }
    const counted = sum.answered + sum.abandoned;
    const oldest = this.waitingSince.values().next();
    return {
      waiting: this.waitingSince.size,
      longestWaitMs: oldest.done ? 0 : Math.max(0, now - oldest.value),
      agentsByState: Object.fromEntries(this.stateCounts),
      offered: sum.offered,
      answered: sum.answered,
      abandoned: sum.abandoned,
      shortAbandoned: sum.shortAbandoned,
      serviceLevel: counted === 0 ? null : sum.answeredWithinSl / counted,
      asaMs: sum.answered === 0 ? null : sum.sumAnswerWaitMs / sum.answered,
      abandonmentRate: counted === 0 ? null : sum.abandoned / counted,
    };
  }

  /** The bucket for `at`, moving the window forward if needed; undefined if `at` fell out of it. */
  private bucketAt(at: number): Bucket | undefined {
    const index = Math.floor(at / this.bucketMs);
    this.advanceTo(index);
    const head = this.head ?? index;
    if (index <= head - this.ring.length) return undefined;
    // Events from the future relative to head cannot happen after advanceTo; late ones land in place.
    return this.ring[mod(index, this.ring.length)];
  }

  private advanceTo(index: number): void {
    if (this.head === null) {
      this.head = index;
      return;
    }
    if (index <= this.head) return;
    // Clear the buckets that the window has moved past; at most one full turn of the ring.
    const steps = Math.min(index - this.head, this.ring.length);
    for (let i = 1; i <= steps; i++)
      this.ring[mod(index - steps + i, this.ring.length)] = emptyBucket();
    this.head = index;
  }
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
