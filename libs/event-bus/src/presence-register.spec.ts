import { describe, expect, it } from 'vitest';
import { decodePresence, encodePresence, presenceRegisterKey } from './presence-register';

describe('presence register', () => {
  it('shares the hash tag of the reservation keys', () => {
    expect(presenceRegisterKey('ccx', 'acme')).toBe('ccx:{acme}:presence');
    expect(() => presenceRegisterKey('ccx', 'a{b}')).toThrow(/invalid tenant/);
    expect(() => presenceRegisterKey('ccx', '')).toThrow(/invalid tenant/);
  });

  it('round-trips a value, even with a | in the activity', () => {
    const presence = { availability: 'Busy', activity: 'In|ACall', at: 1_763_000_000_123 };
    expect(encodePresence(presence)).toBe('Busy|In|ACall|1763000000123');
    expect(decodePresence(encodePresence(presence))).toEqual(presence);
  });

  it('refuses values it did not write', () => {
    expect(decodePresence('Busy')).toBeNull();
    expect(decodePresence('Busy|InACall')).toBeNull();
    expect(decodePresence('Busy|InACall|soon')).toBeNull();
  });
});
