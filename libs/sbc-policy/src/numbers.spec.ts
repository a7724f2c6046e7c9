import { describe, expect, it } from 'vitest';
import { applyDialPlan, compileDialPlan, numberFromUser, RangeIndex } from './numbers';
import type { TenantConfig } from './config';

describe('numberFromUser', () => {
  it.each([
    ['+49-30-1234 56', '+4930123456'],
    ['+1.(212).555.0100', '+12125550100'],
    ['0301234;phone-context=+49', '0301234'],
    ['tel:+4930123456;phone-context=example.com', '+4930123456'],
    ['sip:+4930123456@carrier.example;user=phone', '+4930123456'],
    ['%2B4930123456', '+4930123456'],
  ])('%s → %s', (input, expected) => {
    expect(numberFromUser(input)).toBe(expected);
  });
});

describe('dial plan', () => {
  const rules = compileDialPlan([
    { name: 'national', pattern: '0([1-9][0-9]+)', translation: '+49$1' },
    { name: 'international', pattern: '00([1-9][0-9]+)', translation: '+$1' },
    { name: 'ext', pattern: '(4[0-9]{2})', translation: '+4930123$1' },
    { name: 'never reached', pattern: '0301234.*', translation: 'X' },
  ]);

  it('applies the first rule matching the whole number', () => {
    expect(applyDialPlan(rules, '0301234567')).toBe('+49301234567');
    expect(applyDialPlan(rules, '0033155500001')).toBe('+33155500001');
    expect(applyDialPlan(rules, '412')).toBe('+4930123412');
  });

  it('does not apply a rule that matches only part of the number', () => {
    expect(applyDialPlan(rules, '4123')).toBe('4123');
    expect(applyDialPlan(rules, '+4930123456')).toBe('+4930123456');
  });
});

describe('RangeIndex', () => {
  const t = { id: 't' } as TenantConfig;
  const idx = new RangeIndex([
    { tenant: t, range: { first: '+4930123400', last: '+4930123499', purpose: 'did' } },
    { tenant: t, range: { first: '+4930123450', last: '+4930123450', purpose: 'queue' } },
    { tenant: t, range: { first: '+12125550100', last: '+12125550199', purpose: 'agent' } },
  ]);

  it('finds the narrowest range containing a number', () => {
    expect(idx.lookup('+4930123400')?.range.purpose).toBe('did');
    expect(idx.lookup('+4930123449')?.range.purpose).toBe('did');
    expect(idx.lookup('+4930123450')?.range.purpose).toBe('queue');
    expect(idx.lookup('+4930123451')?.range.purpose).toBe('did');
    expect(idx.lookup('+4930123499')?.range.purpose).toBe('did');
    expect(idx.lookup('+12125550150')?.range.purpose).toBe('agent');
  });

  it('finds nothing outside the ranges or for numbers that are not E.164', () => {
    expect(idx.lookup('+4930123500')).toBeUndefined();
    expect(idx.lookup('+4930123399')).toBeUndefined();
    expect(idx.lookup('+493012345')).toBeUndefined();
    expect(idx.lookup('4930123450')).toBeUndefined();
  });
});
