const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2026-12-01` as `1 December 2026`: no locale, no time zone; undefined when it is no real date. */
export function longDate(ymd: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return `${d} ${MONTHS[mo - 1]!} ${y}`;
}

/** Days from `from` to `to`, both counted (1 Dec to 3 Dec is 3 days). */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The UTC calendar date of a unix time, `YYYY-MM-DD`. */
export const ymdOf = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().slice(0, 10);
