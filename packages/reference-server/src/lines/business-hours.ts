import { WEEKDAYS, type BusinessHours, type Weekday } from '@synapse-calling/protocol';

/** The weekday and `HH:MM` of `at` in `timeZone`. */
function localTime(at: number, timeZone: string): { day: Weekday; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, time: `${get('hour')}:${get('minute')}` };
}

/**
 * Whether a line with these hours is open at `at` (ms). `null` hours: always open. Ranges are
 * compared as local wall-clock strings, so daylight saving time needs no arithmetic.
 *
 * @example
 * isOpen({ timeZone: 'Europe/Berlin', days: { mon: ['09:00-17:00'] } }, Date.now());
 */
export function isOpen(hours: BusinessHours | null, at: number): boolean {
  if (!hours) return true;
  const { day, time } = localTime(at, hours.timeZone);
  return (hours.days[day] ?? []).some((r) => r.slice(0, 5) <= time && time < r.slice(6));
}

/**
 * When a closed line opens next, in its own time zone: the first range start after `at` within
 * the coming week, or `undefined` when no day has hours.
 */
export function nextOpening(
  hours: BusinessHours,
  at: number,
): { day: Weekday; time: string } | undefined {
  const now = localTime(at, hours.timeZone);
  const today = WEEKDAYS.indexOf(now.day);
  for (let offset = 0; offset <= 7; offset++) {
    const day = WEEKDAYS[(today + offset) % 7] as Weekday;
    const starts = (hours.days[day] ?? []).map((r) => r.slice(0, 5)).sort();
    const start = offset === 0 ? starts.find((s) => s > now.time) : starts[0];
    if (start) return { day, time: start };
  }
  return undefined;
}
