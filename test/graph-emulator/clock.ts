/**
 * The emulator's clock: real time plus an offset a test can move forward, so a test can let an
 * hour pass (token and subscription expiry, presence session timeouts) without waiting for it.
 */
export class EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock forward; timers the emulator runs (expiry sweeps) see it on their next tick. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('the emulator clock only moves forward');
    this.offsetMs += ms;
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }
}
