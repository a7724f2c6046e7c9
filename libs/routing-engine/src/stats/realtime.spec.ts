import { describe, expect, it } from 'vitest';
import { QueueRealtimeStats } from './realtime';

const MIN = 60_000;
const options = { windowMs: 15 * MIN, serviceLevelThresholdMs: 20_000, shortAbandonMs: 5_000 };

/** A controllable clock: every event and snapshot takes its time from `clock.now`. */
const clock = { now: 1_700_000_000_000 };
const at = (offsetMs: number): number => clock.now + offsetMs;

describe('QueueRealtimeStats', () => {
  it('tracks waiting callers and the longest wait', () => {
    const s = new QueueRealtimeStats(options);
    s.enqueued('a', at(0));
    s.enqueued('b', at(10_000));
    s.enqueued('a', at(12_000)); // duplicate: keeps its first time
    expect(s.snapshot(at(30_000))).toMatchObject({ waiting: 2, longestWaitMs: 30_000 });
    s.answered('a', at(31_000), 31_000);
    expect(s.snapshot(at(40_000))).toMatchObject({ waiting: 1, longestWaitMs: 30_000 });
    s.removed('b');
    expect(s.snapshot(at(40_000))).toMatchObject({ waiting: 0, longestWaitMs: 0 });
  });

  it('keeps an earlier place for a caller who re-enters with their original time', () => {
    const s = new QueueRealtimeStats(options);
    s.enqueued('a', at(50_000));
    s.enqueued('callback', at(0));
    expect(s.snapshot(at(60_000)).longestWaitMs).toBe(60_000);
    s.removed('callback');
    expect(s.snapshot(at(60_000)).longestWaitMs).toBe(10_000);
  });

  it('computes service level, ASA and abandonment, leaving out short abandons', () => {
    const s = new QueueRealtimeStats(options);
    s.answered('1', at(0), 10_000); // within 20 s
    s.answered('2', at(1000), 30_000); // outside
    s.answered('3', at(2000), 20_000); // on the threshold: within
    s.abandoned('4', at(3000), 2_000); // short: ignored
    s.abandoned('5', at(4000), 40_000);
    s.offered(at(0));
    const snap = s.snapshot(at(5000));
    expect(snap).toMatchObject({ offered: 1, answered: 3, abandoned: 1, shortAbandoned: 1 });
    expect(snap.serviceLevel).toBeCloseTo(2 / 4, 12);
    expect(snap.asaMs).toBeCloseTo(20_000, 12);
    expect(snap.abandonmentRate).toBeCloseTo(1 / 4, 12);
  });

  it('reports null ratios when nothing happened', () => {
    const snap = new QueueRealtimeStats(options).snapshot(at(0));
    expect(snap).toMatchObject({
      serviceLevel: null,
      asaMs: null,
      abandonmentRate: null,
      waiting: 0,
    });
  });

  it('forgets outcomes that slide out of the window', () => {
    const s = new QueueRealtimeStats(options); // 60 buckets of 15 s
    const t0 = Math.floor(clock.now / 15_000) * 15_000;
    s.answered('1', t0, 1000);
    s.answered('2', t0 + 10 * MIN, 30_000);
    expect(s.snapshot(t0 + 14 * MIN).answered).toBe(2);
    const later = s.snapshot(t0 + 15 * MIN);
    expect(later.answered).toBe(1);
    expect(later.serviceLevel).toBe(0);
    expect(s.snapshot(t0 + 26 * MIN).answered).toBe(0);
    // A long silence clears the whole ring at once.
    s.answered('3', t0 + 600 * MIN, 1000);
    expect(s.snapshot(t0 + 600 * MIN)).toMatchObject({ answered: 1, serviceLevel: 1 });
  });

  it('ignores late outcomes older than the window but counts late ones inside it', () => {
    const s = new QueueRealtimeStats(options);
    s.answered('1', at(20 * MIN), 1000);
    s.answered('late', at(1 * MIN), 1000);
    s.answered('in', at(19 * MIN), 1000);
    expect(s.snapshot(at(20 * MIN)).answered).toBe(2);
  });

  it('counts agents by state', () => {
    const s = new QueueRealtimeStats(options);
    s.agentStateChanged('x', 'available');
    s.agentStateChanged('y', 'available');
    s.agentStateChanged('z', 'busy');
    s.agentStateChanged('x', 'busy');
    s.agentStateChanged('x', 'busy');
    s.agentStateChanged('y', null);
    expect(s.snapshot(at(0)).agentsByState).toEqual({ busy: 2 });
  });

  it('keeps memory bounded under a long stream of events', () => {
    const s = new QueueRealtimeStats({ ...options, buckets: 30 });
    for (let i = 0; i < 100_000; i++) {
      s.enqueued(`c${i}`, at(i * 100));
      s.answered(`c${i}`, at(i * 100 + 50), 50);
    }
    const snap = s.snapshot(at(100_000 * 100));
    expect(snap.waiting).toBe(0);
    // 15 minutes of 10 calls/s, give or take one 30 s bucket.
    expect(snap.answered).toBeGreaterThanOrEqual(8700);
    expect(snap.answered).toBeLessThanOrEqual(9000);
  });

  it('refuses nonsense options', () => {
    expect(() => new QueueRealtimeStats({ ...options, windowMs: 0 })).toThrow(RangeError);
    expect(() => new QueueRealtimeStats({ ...options, buckets: 0 })).toThrow(/buckets/);
    expect(() => new QueueRealtimeStats({ ...options, shortAbandonMs: -1 })).toThrow(RangeError);
  });
});
