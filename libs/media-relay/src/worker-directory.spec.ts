import { describe, expect, it } from 'vitest';
import { MediaWorkerDirectory, type WorkerStatus } from './worker-directory';

const status = (
  workerId: string,
  activeSessions: number,
  extra: Partial<WorkerStatus> = {},
): WorkerStatus => ({
  workerId,
  capacity: 100,
  activeSessions,
  transcodingSessions: 0,
  cpu: 0.1,
  intervalMs: 1000,
  draining: false,
  ...extra,
});

describe('MediaWorkerDirectory', () => {
  it('picks the least-loaded worker relative to its capacity, then the lowest CPU', () => {
    const d = new MediaWorkerDirectory();
    d.update(status('small', 10, { capacity: 20 }), 0);
    d.update(status('big', 30, { capacity: 200 }), 0);
    expect(d.pick(10)).toBe('big');
    const e = new MediaWorkerDirectory();
    e.update(status('hot', 10, { cpu: 0.9 }), 0);
    e.update(status('cool', 10, { cpu: 0.2 }), 0);
    expect(e.pick(10)).toBe('cool');
  });

  it('spreads a burst: sessions handed out count until the next status', () => {
    const d = new MediaWorkerDirectory();
    d.update(status('w1', 0), 0);
    d.update(status('w2', 0), 0);
    const picks = Array.from({ length: 10 }, () => d.pick(1));
    expect(picks.filter((p) => p === 'w1')).toHaveLength(5);
    d.update(status('w1', 5), 2);
    expect(d.live(2).map((w) => w.workerId)).toContain('w1');
  });

  it('short calls released between two statuses do not make a worker look full', () => {
    const d = new MediaWorkerDirectory();
    d.update(status('w1', 0, { capacity: 10 }), 0);
    for (let i = 0; i < 50; i++) {
      expect(d.pick(1)).toBe('w1');
      d.released('w1');
    }
    // Releases never count below what the worker itself reported.
    const e = new MediaWorkerDirectory();
    e.update(status('w1', 2, { capacity: 3 }), 0);
    for (let i = 0; i < 10; i++) e.released('w1');
    expect(e.pick(1)).toBe('w1');
    expect(e.pick(1)).toBe('w1');
    expect(e.pick(1)).toBe('w1');
    expect(e.pick(1)).toBeUndefined();
  });

  it('skips workers that are silent for three intervals, draining or full', () => {
    const d = new MediaWorkerDirectory();
    d.update(status('silent', 0), 0);
    d.update(status('draining', 0, { draining: true, capacity: 0 }), 3000);
    d.update(status('full', 100), 3000);
    d.update(status('ok', 99), 3000);
    expect(d.live(3500).map((w) => w.workerId)).toEqual(['ok']);
    expect(d.pick(3500)).toBe('ok');
    expect(d.pick(3500)).toBeUndefined();
  });

  it('re-reading the same status (the SBC polls the hash) does not forget sessions handed out since', () => {
    const d = new MediaWorkerDirectory();
    d.update(status('w1', 0, { capacity: 2 }), 100);
    d.update(status('w2', 0, { capacity: 2 }), 100);
    expect(d.pick(150)).toBe('w1');
    d.update(status('w1', 0, { capacity: 2 }), 100);
    expect(d.pick(150)).toBe('w2');
  });
});
