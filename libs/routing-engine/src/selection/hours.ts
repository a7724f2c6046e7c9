import type { BusinessHours, Weekday } from './model';

interface LocalTime {
  date: string;
  weekday: Weekday;
  minutes: number;
}

// Building a DateTimeFormat is slow next to using one; a queue's zone is asked for on every decision.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

const weekdayOf: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** Wall-clock date, weekday and minute of day at `now` in `timeZone`. */
export function localTime(timeZone: string, now: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatFor(timeZone).formatToParts(now)) parts[p.type] = p.value;
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday: weekdayOf[parts['weekday'] ?? ''] ?? 'mon',
    minutes: Number(parts['hour']) * 60 + Number(parts['minute']),
  };
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Open when the local time falls in one of today's ranges (from inclusive, to exclusive). */
export function isOpen(hours: BusinessHours, now: number): boolean {
  const local = localTime(hours.timeZone, now);
  if (hours.holidays.includes(local.date)) return false;
  return hours.weekly[local.weekday].some(
    (r) => local.minutes >= minutesOf(r.from) && local.minutes < minutesOf(r.to),
  );
}
