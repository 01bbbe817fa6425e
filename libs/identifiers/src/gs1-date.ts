import { lintYymmd0 } from './gs1-linters';

/** Days in a month of a Gregorian year; month 1-12. */
export function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The full year of a GS1 two-digit year (General Specifications 7.12): within 50 years
 * ahead of `now` it is this century's, further ahead the last century's, and more than 49
 * years back the next century's.
 */
export function gs1FullYear(twoDigitYear: number, now: Date = new Date()): number {
  const current = now.getUTCFullYear();
  const century = Math.floor(current / 100) * 100;
  const difference = twoDigitYear - (current % 100);
  if (difference >= 51) return century - 100 + twoDigitYear;
  if (difference <= -50) return century + 100 + twoDigitYear;
  return century + twoDigitYear;
}

/**
 * A GS1 YYMMDD date (AI 11, 13, 15, 16, 17) as 'YYYY-MM-DD'. Day 00 means the last day of
 * the month, so "250200" is 2025-02-28 and "240200" is 2024-02-29. Null when not a date.
 */
export function resolveGs1Date(yymmdd: string, now: Date = new Date()): string | null {
  if (lintYymmd0(yymmdd)) return null;
  const year = gs1FullYear(Number(yymmdd.slice(0, 2)), now);
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4)) || lastDayOfMonth(year, month);
  // The linter judged leap years by two digits; the real year decides 29 February.
  if (day > lastDayOfMonth(year, month)) return null;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)}`;
}
