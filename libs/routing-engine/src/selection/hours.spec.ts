import { describe, expect, it } from 'vitest';
import { isOpen, localTime } from './hours';
import { businessHours } from './model';

const nineToFive = [{ from: '09:00', to: '17:00' }];

describe('isOpen', () => {
  // Europe/Berlin moves from CET (UTC+1) to CEST (UTC+2) at 02:00 local on Sunday 2026-03-29.
  const berlin = businessHours.parse({
    timeZone: 'Europe/Berlin',
    weekly: { sat: nineToFive, sun: nineToFive },
  });

  it('follows local wall-clock hours on both sides of a DST change', () => {
    expect(isOpen(berlin, Date.parse('2026-03-28T08:30:00Z'))).toBe(true); // 09:30 CET
    expect(isOpen(berlin, Date.parse('2026-03-28T07:30:00Z'))).toBe(false); // 08:30 CET
    expect(isOpen(berlin, Date.parse('2026-03-28T15:59:00Z'))).toBe(true); // 16:59 CET
    expect(isOpen(berlin, Date.parse('2026-03-29T07:00:00Z'))).toBe(true); // 09:00 CEST
    expect(isOpen(berlin, Date.parse('2026-03-29T06:30:00Z'))).toBe(false); // 08:30 CEST
    expect(isOpen(berlin, Date.parse('2026-03-29T14:59:00Z'))).toBe(true); // 16:59 CEST
    expect(isOpen(berlin, Date.parse('2026-03-29T15:30:00Z'))).toBe(false); // 17:30 CEST
  });

  it('is closed on days without ranges', () => {
    expect(isOpen(berlin, Date.parse('2026-03-30T10:00:00Z'))).toBe(false); // Monday
  });

  it('treats holidays as local dates, not UTC dates', () => {
    const newYork = businessHours.parse({
      timeZone: 'America/New_York',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
          d,
          [{ from: '00:00', to: '24:00' }],
        ]),
      ),
      holidays: ['2026-12-25'],
    });
    expect(isOpen(newYork, Date.parse('2026-12-25T03:00:00Z'))).toBe(true); // 24th, 22:00 local
    expect(isOpen(newYork, Date.parse('2026-12-25T06:00:00Z'))).toBe(false);
    expect(isOpen(newYork, Date.parse('2026-12-26T03:00:00Z'))).toBe(false); // 25th, 22:00 local
    expect(isOpen(newYork, Date.parse('2026-12-26T05:30:00Z'))).toBe(true); // 26th, 00:30 local
  });

  it('supports several ranges a day, from inclusive and to exclusive', () => {
    const split = businessHours.parse({
      timeZone: 'UTC',
      weekly: {
        mon: [
          { from: '08:00', to: '12:00' },
          { from: '13:00', to: '18:00' },
        ],
      },
    });
    expect(isOpen(split, Date.parse('2026-06-01T08:00:00Z'))).toBe(true);
    expect(isOpen(split, Date.parse('2026-06-01T12:00:00Z'))).toBe(false);
    expect(isOpen(split, Date.parse('2026-06-01T12:59:00Z'))).toBe(false);
    expect(isOpen(split, Date.parse('2026-06-01T13:00:00Z'))).toBe(true);
  });
});

describe('localTime', () => {
  it('gives the local date, weekday and minute in the zone', () => {
    expect(localTime('Pacific/Auckland', Date.parse('2026-06-01T20:15:00Z'))).toEqual({
      date: '2026-06-02',
      weekday: 'tue',
      minutes: 8 * 60 + 15,
    });
  });
});

describe('businessHours schema', () => {
  it('refuses an unknown time zone, a bad time and a range that ends before it starts', () => {
    expect(businessHours.safeParse({ timeZone: 'Mars/Olympus', weekly: {} }).success).toBe(false);
    const valid = (range: object): boolean =>
      businessHours.safeParse({ timeZone: 'UTC', weekly: { mon: [range] } }).success;
    expect(valid({ from: '9:00', to: '17:00' })).toBe(false);
    expect(valid({ from: '17:00', to: '09:00' })).toBe(false);
    expect(valid({ from: '09:00', to: '24:00' })).toBe(true);
  });
});
