import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsNeeded, erlangC } from './erlang-c';

/** Textbook Erlang C by direct sums of A^k / k!, fine for small N; an independent check. */
function directErlangC(traffic: number, agents: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < agents; k++) {
    sum += term;
    term = (term * traffic) / (k + 1);
  }
  const top = (term * agents) / (agents - traffic);
  return top / (sum + top);
}

const classic = { arrivals: 100, intervalSeconds: 1800, ahtSeconds: 180 };

describe('erlangC', () => {
  it('matches the direct-sum formula for small N', () => {
    for (const [traffic, agents] of [
      [10, 11],
      [10, 14],
      [2.5, 3],
      [0.4, 1],
      [37.2, 45],
    ] as const) {
      const r = erlangC({ arrivals: traffic * 3600, intervalSeconds: 3600, ahtSeconds: 1, agents });
      expect(r.probabilityOfWaiting).toBeCloseTo(directErlangC(traffic, agents), 12);
    }
  });

  it('gives the classic figures: 100 calls / 30 min, AHT 180 s, 14 agents', () => {
    const r = erlangC({ ...classic, agents: 14 });
    expect(r.trafficErlangs).toBe(10);
    expect(r.probabilityOfWaiting).toBeCloseTo(directErlangC(10, 14), 12);
    expect(r.probabilityOfWaiting).toBeCloseTo(0.1741, 4);
    // SL = 1 − C·e^(−(N−A)·t/AHT), ASA = C·AHT/(N−A)
    expect(r.serviceLevel(20)).toBeCloseTo(
      1 - directErlangC(10, 14) * Math.exp(-4 * (20 / 180)),
      12,
    );
    expect(r.serviceLevel(20)).toBeCloseTo(0.8884, 4);
    expect(r.asaSeconds).toBeCloseTo((directErlangC(10, 14) * 180) / 4, 10);
    expect(r.occupancy).toBeCloseTo(10 / 14, 12);
  });

  it('reports an unstable queue when agents do not exceed the traffic', () => {
    const r = erlangC({ ...classic, agents: 10 });
    expect(r.stable).toBe(false);
    expect(r.probabilityOfWaiting).toBe(1);
    expect(r.serviceLevel(20)).toBe(0);
    expect(r.asaSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(r.occupancy).toBe(1);
  });

  it('treats no traffic as no waiting', () => {
    const r = erlangC({ arrivals: 0, intervalSeconds: 900, ahtSeconds: 300, agents: 0 });
    expect(r).toMatchObject({ stable: true, probabilityOfWaiting: 0, asaSeconds: 0, occupancy: 0 });
    expect(r.serviceLevel(0)).toBe(1);
  });

  it('stays finite for thousands of agents', () => {
    const r = erlangC({ arrivals: 10_000, intervalSeconds: 3600, ahtSeconds: 300, agents: 900 });
    expect(r.trafficErlangs).toBeCloseTo(833.33, 2);
    for (const v of [r.probabilityOfWaiting, r.serviceLevel(20), r.asaSeconds, r.occupancy]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(r.probabilityOfWaiting).toBeGreaterThan(0);
    expect(r.probabilityOfWaiting).toBeLessThan(1);
  });

  it('waits less with more agents, and service level rises with the threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 10, max: 900 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 120 }),
        (arrivals, aht, extra, threshold) => {
          const base = { arrivals, intervalSeconds: 3600, ahtSeconds: aht };
          const n = Math.floor((arrivals * aht) / 3600) + 1 + extra;
          const a = erlangC({ ...base, agents: n });
          const b = erlangC({ ...base, agents: n + 1 });
          expect(b.probabilityOfWaiting).toBeLessThanOrEqual(a.probabilityOfWaiting);
          expect(b.asaSeconds).toBeLessThanOrEqual(a.asaSeconds);
          expect(b.serviceLevel(threshold)).toBeGreaterThanOrEqual(a.serviceLevel(threshold));
          expect(a.serviceLevel(threshold + 10)).toBeGreaterThanOrEqual(a.serviceLevel(threshold));
        },
      ),
    );
  });

  it('refuses nonsense', () => {
    expect(() => erlangC({ ...classic, arrivals: -1, agents: 3 })).toThrow(RangeError);
    expect(() => erlangC({ ...classic, intervalSeconds: 0, agents: 3 })).toThrow(/intervalSeconds/);
    expect(() => erlangC({ ...classic, ahtSeconds: Number.NaN, agents: 3 })).toThrow(/ahtSeconds/);
    expect(() => erlangC({ ...classic, agents: 2.5 })).toThrow(/agents/);
    expect(() => erlangC({ ...classic, agents: 12 }).serviceLevel(-1)).toThrow(/thresholdSeconds/);
  });
});

describe('agentsNeeded', () => {
  const target = { ...classic, targetServiceLevel: 0.8, thresholdSeconds: 20 };

  it('finds 14 agents for 80 % in 20 s in the classic example (13 give 79.6 %)', () => {
    const r = agentsNeeded(target);
    expect(r.agents).toBe(14);
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangC({ ...classic, agents: 13 }).serviceLevel(20)).toBeLessThan(0.8);
    expect(r.scheduledAgents).toBe(14);
  });

  it('adds agents for an occupancy cap and schedules for shrinkage', () => {
    const r = agentsNeeded({ ...target, maxOccupancy: 0.6, shrinkage: 0.3 });
    expect(r.agents).toBe(17); // ⌈10 / 0.6⌉
    expect(r.occupancy).toBeLessThanOrEqual(0.6);
    expect(r.scheduledAgents).toBe(Math.ceil(17 / 0.7)); // 25
  });

  it('needs nobody for no traffic', () => {
    expect(agentsNeeded({ ...target, arrivals: 0 }).agents).toBe(0);
  });

  it('returns the smallest N meeting the target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 10, max: 600 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 0, max: 60 }),
        (arrivals, aht, sl, threshold) => {
          const base = { arrivals, intervalSeconds: 1800, ahtSeconds: aht };
          const r = agentsNeeded({ ...base, targetServiceLevel: sl, thresholdSeconds: threshold });
          expect(
            erlangC({ ...base, agents: r.agents }).serviceLevel(threshold),
          ).toBeGreaterThanOrEqual(sl);
          expect(erlangC({ ...base, agents: r.agents - 1 }).serviceLevel(threshold)).toBeLessThan(
            sl,
          );
        },
      ),
    );
  });

  it('handles 10,000 calls an hour at AHT 300 s', () => {
    const r = agentsNeeded({
      arrivals: 10_000,
      intervalSeconds: 3600,
      ahtSeconds: 300,
      targetServiceLevel: 0.9,
      thresholdSeconds: 15,
      shrinkage: 0.35,
    });
    expect(r.agents).toBeGreaterThan(834);
    expect(r.agents).toBeLessThan(900);
    for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    expect(r.scheduledAgents).toBe(Math.ceil(r.agents / 0.65));
  });

  it('refuses nonsense', () => {
    expect(() => agentsNeeded({ ...target, targetServiceLevel: 1.2 })).toThrow(
      /targetServiceLevel/,
    );
    expect(() => agentsNeeded({ ...target, targetServiceLevel: -0.1 })).toThrow(RangeError);
    expect(() => agentsNeeded({ ...target, maxOccupancy: 0 })).toThrow(/maxOccupancy/);
    expect(() => agentsNeeded({ ...target, shrinkage: 1 })).toThrow(/shrinkage/);
    expect(() => agentsNeeded({ ...target, thresholdSeconds: -5 })).toThrow(/thresholdSeconds/);
  });
});
