import type { FieldError } from '../problem/problem';

export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

export interface NumberRange {
  firstNumber: string;
  lastNumber: string;
}

/**
 * Checks a range of E.164 numbers: both ends valid, of equal length (a range is a block of
 * numbers sharing a prefix, never "every number between +44 and +4930..."), first <= last.
 * Returns the field errors; empty when the range is valid.
 */
export function checkRange(range: NumberRange): FieldError[] {
  const errors: FieldError[] = [];
  if (!E164_PATTERN.test(range.firstNumber)) {
    errors.push({ field: 'firstNumber', message: 'an E.164 number such as +4930123400' });
  }
  if (!E164_PATTERN.test(range.lastNumber)) {
    errors.push({ field: 'lastNumber', message: 'an E.164 number such as +4930123499' });
  }
  if (errors.length) return errors;
  if (range.firstNumber.length !== range.lastNumber.length) {
    errors.push({
      field: 'lastNumber',
      message: `must have as many digits as firstNumber (${range.firstNumber.length - 1})`,
    });
  } else if (range.firstNumber > range.lastNumber) {
    errors.push({ field: 'lastNumber', message: 'must not be lower than firstNumber' });
  }
  return errors;
}

/** Ranges overlap when they share at least one number. Both must be valid (see checkRange). */
export function rangesOverlap(a: NumberRange, b: NumberRange): boolean {
  if (a.firstNumber.length !== b.firstNumber.length) return false;
  return a.firstNumber <= b.lastNumber && b.firstNumber <= a.lastNumber;
}

/** How many numbers a valid range holds. */
export function rangeSize(range: NumberRange): bigint {
  return BigInt(range.lastNumber.slice(1)) - BigInt(range.firstNumber.slice(1)) + 1n;
}

/** Whether a number falls into a valid range. */
export function rangeContains(range: NumberRange, number: string): boolean {
  return (
    number.length === range.firstNumber.length &&
    range.firstNumber <= number &&
    number <= range.lastNumber
  );
}
