import { describe, expect, it } from 'vitest';
import { q850ForStatus, q850FromReason } from './q850';

describe('Q.850 causes', () => {
  it('maps final statuses as RFC 3398 does', () => {
    expect(q850ForStatus(486)).toBe(17);
    expect(q850ForStatus(404)).toBe(1);
    expect(q850ForStatus(603)).toBe(21);
    expect(q850ForStatus(408)).toBe(102);
    expect(q850ForStatus(503)).toBe(41);
    expect(q850ForStatus(488)).toBe(65);
  });

  it('falls back by class for statuses without an entry', () => {
    expect(q850ForStatus(599)).toBe(41);
    expect(q850ForStatus(699)).toBe(31);
    expect(q850ForStatus(499)).toBe(31);
  });

  it('reads the cause of a Reason: Q.850 header and ignores other protocols', () => {
    expect(q850FromReason('Q.850;cause=16;text="Normal call clearing"')).toBe(16);
    expect(q850FromReason('q.850 ; cause = 34')).toBe(34);
    expect(q850FromReason('SIP;cause=200;text="Call completed elsewhere"')).toBeUndefined();
    expect(q850FromReason('Q.850;cause=999')).toBeUndefined();
    expect(q850FromReason(undefined)).toBeUndefined();
  });
});
