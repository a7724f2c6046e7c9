import { describe, expect, it } from 'vitest';
import { checkRange, rangeContains, rangeSize, rangesOverlap } from './e164-range';

const r = (firstNumber: string, lastNumber: string) => ({ firstNumber, lastNumber });

describe('E.164 ranges', () => {
  it('accept a block of equal-length numbers, first <= last', () => {
    expect(checkRange(r('+4930123400', '+4930123499'))).toEqual([]);
    expect(checkRange(r('+4930123400', '+4930123400'))).toEqual([]);
  });

  it.each([
    [r('4930123400', '+4930123499'), ['firstNumber']],
    [r('+0930123400', '+4930123499'), ['firstNumber']],
    [r('+4930123400', '+49301234'), ['lastNumber']],
    [r('+4930123499', '+4930123400'), ['lastNumber']],
    [r('+1234567890123456', '+1234567890123456'), ['firstNumber', 'lastNumber']],
    [r('+49 30 1234', '+4930123499'), ['firstNumber']],
  ])('refuse %j naming %j', (range, fields) => {
    expect(checkRange(range).map((e) => e.field)).toEqual(fields);
  });

  it('overlap only when they share a number of the same length', () => {
    const base = r('+4930123400', '+4930123499');
    expect(rangesOverlap(base, r('+4930123499', '+4930123599'))).toBe(true);
    expect(rangesOverlap(base, r('+4930123450', '+4930123450'))).toBe(true);
    expect(rangesOverlap(base, r('+4930123300', '+4930123599'))).toBe(true);
    expect(rangesOverlap(base, r('+4930123500', '+4930123599'))).toBe(false);
    expect(rangesOverlap(base, r('+493012340', '+493012349'))).toBe(false);
  });

  it('count and contain numbers', () => {
    expect(rangeSize(r('+4930123400', '+4930123499'))).toBe(100n);
    expect(rangeSize(r('+123456789012345', '+123456789012345'))).toBe(1n);
    expect(rangeContains(r('+4930123400', '+4930123499'), '+4930123450')).toBe(true);
    expect(rangeContains(r('+4930123400', '+4930123499'), '+493012345')).toBe(false);
  });
});
