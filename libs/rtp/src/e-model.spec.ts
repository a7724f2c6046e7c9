import { describe, expect, it } from 'vitest';
import {
  burstRatio,
  delayImpairment,
  effectiveEquipmentImpairment,
  g711Mos,
  g711RFactor,
  mosFromR,
} from './index';

describe('E-model (G.107 simplified) for G.711', () => {
  it('maps known R values to MOS', () => {
    expect(mosFromR(93.2)).toBeCloseTo(4.409, 3); // 1 + 3.262 + 0.1473
    expect(mosFromR(50)).toBeCloseTo(2.575, 3); // 1 + 1.75 − 0.175
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(150)).toBe(4.5);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(-20)).toBe(1);
    expect(mosFromR(Number.NaN)).toBe(1);
  });

  it('gives R = 93.2 and MOS ≈ 4.41 for a perfect network', () => {
    expect(g711RFactor({ oneWayDelayMs: 0, packetLossPercent: 0 })).toBe(93.2);
    expect(g711Mos({ oneWayDelayMs: 0, packetLossPercent: 0 })).toBeCloseTo(4.41, 2);
  });

  it('computes Id with the knee at 177.3 ms', () => {
    expect(delayImpairment(100)).toBeCloseTo(2.4, 10);
    expect(delayImpairment(177.3)).toBeCloseTo(4.2552, 10);
    expect(delayImpairment(300)).toBeCloseTo(7.2 + 0.11 * 122.7, 10);
    expect(delayImpairment(-5)).toBe(0);
  });

  it('computes Ie_eff: 1% random loss costs 95/26.1 with PLC and 95/5.3 without', () => {
    expect(effectiveEquipmentImpairment(1, 0, 25.1)).toBeCloseTo(95 / 26.1, 10);
    expect(effectiveEquipmentImpairment(1, 0, 4.3)).toBeCloseTo(95 / 5.3, 10);
    expect(g711RFactor({ oneWayDelayMs: 0, packetLossPercent: 1 })).toBeCloseTo(
      93.2 - 95 / 26.1,
      10,
    );
    expect(g711RFactor({ oneWayDelayMs: 0, packetLossPercent: 1, plc: false })).toBeCloseTo(
      93.2 - 95 / 5.3,
      10,
    );
  });

  it('lowers MOS monotonically as loss or delay grows, and PLC and random loss help', () => {
    let previous = Infinity;
    for (let loss = 0; loss <= 30; loss += 0.5) {
      const mos = g711Mos({ oneWayDelayMs: 40, packetLossPercent: loss });
      expect(mos).toBeLessThan(previous);
      previous = mos;
    }
    previous = Infinity;
    for (let delay = 0; delay <= 600; delay += 10) {
      const mos = g711Mos({ oneWayDelayMs: delay, packetLossPercent: 1 });
      expect(mos).toBeLessThan(previous);
      previous = mos;
    }
    const base = { oneWayDelayMs: 50, packetLossPercent: 3 };
    expect(g711Mos(base)).toBeGreaterThan(g711Mos({ ...base, plc: false }));
    expect(g711Mos(base)).toBeGreaterThan(g711Mos({ ...base, burstR: 2 }));
  });

  it('derives BurstR from a Markov loss model', () => {
    expect(burstRatio(0.02, 0.98)).toBe(1); // random loss
    expect(burstRatio(0.01, 0.24)).toBeCloseTo(4, 10); // losses come in runs of about 4
    expect(burstRatio(0, 0)).toBe(1);
  });
});
