import type { IntakeResult, PresenceRuntime } from '@ccx/presence-sync';

/** The runtime once started, and the notification work in flight (tests wait for it). */
export class PresenceHolder {
  runtime?: PresenceRuntime;
  readonly counts = { accepted: 0, refused: 0 };
  private readonly inFlight = new Set<Promise<IntakeResult>>();

  received(_kind: 'changes' | 'lifecycle', work: Promise<IntakeResult>): void {
    this.inFlight.add(work);
    work
      .then((r) => {
        this.counts.accepted += r.accepted;
        this.counts.refused += r.refused;
      })
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(work));
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
