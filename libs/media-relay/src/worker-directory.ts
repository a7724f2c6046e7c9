// Which media worker takes a new call: the SBC keeps the latest media.worker-status of every
// worker and picks the least-loaded live one (fewest sessions relative to capacity, then lowest
// CPU). A worker that has not reported for three of its intervals, is draining or is full is
// not picked.

import type { EventData } from '@ccx/contracts';

/** A media.worker-status event's data (the contract's schema is the one definition). */
export type WorkerStatus = EventData<'media.worker-status'>;

export class MediaWorkerDirectory {
  private readonly workers = new Map<string, { status: WorkerStatus; seenMs: number }>();
  /** Sessions handed to a worker since its last status, so a burst spreads across workers. */
  private readonly pending = new Map<string, number>();

  /** Records a status seen (or written) at `nowMs`; reading the same status again changes nothing. */
  update(status: WorkerStatus, nowMs = Date.now()): void {
    const previous = this.workers.get(status.workerId);
    if (previous !== undefined && previous.seenMs >= nowMs) return;
    this.workers.set(status.workerId, { status, seenMs: nowMs });
    this.pending.delete(status.workerId);
  }

  /** Live workers with their status, least loaded first. */
  live(nowMs = Date.now()): WorkerStatus[] {
    const out: { status: WorkerStatus; load: number }[] = [];
    for (const [id, { status, seenMs }] of this.workers) {
      if (nowMs - seenMs > 3 * status.intervalMs) {
        this.workers.delete(id);
        continue;
      }
      const sessions = status.activeSessions + (this.pending.get(id) ?? 0);
      if (status.draining || sessions >= status.capacity) continue;
      out.push({ status, load: sessions / status.capacity });
    }
    out.sort((x, y) => x.load - y.load || x.status.cpu - y.status.cpu);
    return out.map((w) => w.status);
  }

  /**
   * A session handed out earlier has been deleted: count it off, so a high call rate with short
   * calls does not look like a full worker between two statuses. The estimate never drops below
   * the worker's reported sessions being gone.
   */
  released(workerId: string): void {
    const w = this.workers.get(workerId);
    if (w === undefined) return;
    const pending = (this.pending.get(workerId) ?? 0) - 1;
    this.pending.set(workerId, Math.max(pending, -w.status.activeSessions));
  }

  /** The worker for a new session (counted until its next status), or undefined if none. */
  pick(nowMs = Date.now()): string | undefined {
    const best = this.live(nowMs)[0];
    if (best === undefined) return undefined;
    this.pending.set(best.workerId, (this.pending.get(best.workerId) ?? 0) + 1);
    return best.workerId;
  }
}
