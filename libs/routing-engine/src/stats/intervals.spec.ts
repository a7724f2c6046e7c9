import { describe, expect, it } from 'vitest';
import {
  deriveFigures,
  INTERVAL_MS,
  IntervalAggregator,
  intervalLabel,
  intervalStart,
} from './intervals';

const utc = (iso: string): number => Date.parse(iso);

describe('intervalStart', () => {
  it('floors to the quarter hour', () => {
    expect(intervalStart(utc('2026-11-22T19:44:59.999Z'), 'UTC')).toBe(utc('2026-11-22T19:30:00Z'));
    expect(intervalStart(utc('2026-11-22T19:45:00Z'), 'Europe/Berlin')).toBe(
      utc('2026-11-22T19:45:00Z'),
    );
    expect(intervalLabel(utc('2026-11-22T19:50:00Z'), 'Europe/Berlin')).toBe('2026-11-22T20:45');
  });

  it('follows zones with quarter-hour offsets', () => {
    // Kathmandu is UTC+05:45: 12:07 UTC is 17:52 local, in the 17:45 interval.
    const ts = utc('2026-06-01T12:07:00Z');
    expect(intervalLabel(ts, 'Asia/Kathmandu')).toBe('2026-06-01T17:45');
    expect(intervalStart(ts, 'Asia/Kathmandu')).toBe(utc('2026-06-01T12:00:00Z'));
  });

  it('uses local quarters for a zone whose offset is not a whole quarter hour', () => {
    // Monrovia kept UTC−00:44:30 until 1972: 12:00:00 UTC was 11:15:30 local.
    const ts = utc('1970-06-01T12:00:00Z');
    const start = intervalStart(ts, 'Africa/Monrovia');
    expect(intervalLabel(ts, 'Africa/Monrovia')).toBe('1970-06-01T11:15');
    expect(start).toBe(ts - 30_000);
    expect(ts - start).toBeLessThan(INTERVAL_MS);
  });

  it('handles daylight-saving changes', () => {
    // Spring forward in Berlin at 01:00 UTC: 01:45 local is followed by 03:00 local.
    expect(intervalLabel(utc('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29T01:45');
    expect(intervalLabel(utc('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29T03:00');
    // Fall back: 02:30 local happens twice, as two distinct intervals.
    const first = intervalStart(utc('2026-10-25T00:31:00Z'), 'Europe/Berlin');
    const second = intervalStart(utc('2026-10-25T01:31:00Z'), 'Europe/Berlin');
    expect(second - first).toBe(60 * 60_000);
    expect(intervalLabel(first, 'Europe/Berlin')).toBe(intervalLabel(second, 'Europe/Berlin'));
  });

  it('refuses an unknown zone', () => {
    expect(() => intervalStart(0, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => intervalStart(Number.NaN, 'UTC')).toThrow(RangeError);
  });
});

describe('IntervalAggregator', () => {
  const options = {
    timeZone: 'America/New_York',
    serviceLevelThresholdMs: 20_000,
    shortAbandonMs: 5_000,
  };
  const q0 = utc('2026-11-22T15:00:00Z'); // 10:00 in New York

  it('builds rows per queue and interval and derives SL, ASA, AHT and occupancy', () => {
    const agg = new IntervalAggregator(options);
    agg.addInteraction({
      queueId: 'sales',
      offeredAt: q0 + 1000,
      outcome: 'answered',
      waitMs: 10_000,
      handleMs: 200_000,
    });
    agg.addInteraction({
      queueId: 'sales',
      offeredAt: q0 + 2000,
      outcome: 'answered',
      waitMs: 30_000,
      handleMs: 100_000,
    });
    agg.addInteraction({
      queueId: 'sales',
      offeredAt: q0 + 3000,
      outcome: 'abandoned',
      waitMs: 60_000,
    });
    agg.addInteraction({
      queueId: 'sales',
      offeredAt: q0 + 4000,
      outcome: 'abandoned',
      waitMs: 1_000,
    });
    agg.addInteraction({
      queueId: 'sales',
      offeredAt: q0 + 5000,
      outcome: 'overflowed',
      waitMs: 90_000,
    });
    agg.addInteraction({
      queueId: 'sales',
      offeredAt: q0 + INTERVAL_MS,
      outcome: 'answered',
      waitMs: 0,
      handleMs: 1,
    });
    agg.addInteraction({
      queueId: 'care',
      offeredAt: q0,
      outcome: 'answered',
      waitMs: 0,
      handleMs: 5,
    });

    const rows = agg.rowsSorted();
    expect(rows.map((r) => [r.queueId, r.intervalStart])).toEqual([
      ['care', q0],
      ['sales', q0],
      ['sales', q0 + INTERVAL_MS],
    ]);
    const sales = rows[1];
    if (!sales) throw new Error('missing row');
    expect(sales).toMatchObject({
      offered: 5,
      answered: 2,
      abandoned: 1,
      shortAbandoned: 1,
      answeredWithinSl: 1,
    });
    const f = deriveFigures(sales);
    expect(f.serviceLevel).toBeCloseTo(1 / 3, 12);
    expect(f.asaMs).toBe(20_000);
    expect(f.ahtMs).toBe(150_000);
    expect(f.occupancy).toBeNull();
  });

  it('splits agent time across intervals for occupancy', () => {
    const agg = new IntervalAggregator(options);
    // 10:10–10:20 busy, 10:00–10:30 staffed in total.
    agg.addAgentTime({ queueId: 'sales', from: q0, to: q0 + 10 * 60_000, busy: false });
    agg.addAgentTime({
      queueId: 'sales',
      from: q0 + 10 * 60_000,
      to: q0 + 20 * 60_000,
      busy: true,
    });
    agg.addAgentTime({
      queueId: 'sales',
      from: q0 + 20 * 60_000,
      to: q0 + 30 * 60_000,
      busy: false,
    });
    const [first, second] = agg.rowsSorted();
    if (!first || !second) throw new Error('missing rows');
    expect(first).toMatchObject({ intervalStart: q0, staffedMs: INTERVAL_MS, busyMs: 5 * 60_000 });
    expect(second).toMatchObject({
      intervalStart: q0 + INTERVAL_MS,
      staffedMs: INTERVAL_MS,
      busyMs: 5 * 60_000,
    });
    expect(deriveFigures(first).occupancy).toBeCloseTo(1 / 3, 12);
  });

  it('gives null figures for an empty row and refuses bad records', () => {
    const agg = new IntervalAggregator(options);
    agg.addAgentTime({ queueId: 'q', from: q0, to: q0, busy: true });
    expect(agg.rowsSorted()).toEqual([]);
    expect(() => agg.addAgentTime({ queueId: 'q', from: q0, to: q0 - 1, busy: true })).toThrow(
      RangeError,
    );
    expect(() =>
      agg.addInteraction({ queueId: 'q', offeredAt: q0, outcome: 'answered', waitMs: -1 }),
    ).toThrow(/waitMs/);
    expect(() => new IntervalAggregator({ ...options, timeZone: 'Nowhere/Special' })).toThrow(
      RangeError,
    );
  });
});
