/**
 * Calendar dates and expiry, all in UTC. Dates are 'YYYY-MM-DD' strings: they compare
 * correctly as strings, and a pack's expiry date is its last day of use.
 */

export const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// One-entry memos: the ledger sequencer checks a thousand events a batch, and their times and
// expiry dates mostly repeat.
let lastDate: string | undefined;
let lastDateMs: number | null = null;
let lastInstant: string | undefined;
let lastInstantDay: string | null = null;

/** A real calendar date 'YYYY-MM-DD' as UTC milliseconds, or null. */
export function parseIsoDate(value: string): number | null {
  if (value === lastDate) return lastDateMs;
  const m = ISO_DATE.exec(value);
  let ms: number | null = null;
  if (m) {
    ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(ms).toISOString().slice(0, 10) !== value) ms = null;
  }
  lastDate = value;
  lastDateMs = ms;
  return ms;
}

export function isIsoDate(value: string): boolean {
  return parseIsoDate(value) !== null;
}

/**
 * The UTC calendar date of an instant (ISO 8601 with any offset, a bare date, or a Date), or
 * null when it is not a time at all. UTC, not Hainan time, so that every service and the
 * ledger agree on the day whatever the server's zone.
 */
export function utcDateOf(at: string | Date): string | null {
  if (typeof at === 'string' && at === lastInstant) return lastInstantDay;
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  const day = Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
  if (typeof at === 'string') {
    lastInstant = at;
    lastInstantDay = day;
  }
  return day;
}

/** Whole days from one date to another (negative when `to` is earlier); null if either is not a date. */
export function daysBetween(from: string, to: string): number | null {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  return a === null || b === null ? null : Math.round((b - a) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  const ms = parseIsoDate(date);
  if (ms === null) throw new RangeError(`not a date: ${date}`);
  return new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A pack may be used on its expiry date and is expired from the next UTC day on. An
 * unreadable time counts as expired, so a garbled event never gets a pack past this check.
 */
export function isExpiredOn(expiry: string, at: string | Date): boolean {
  const day = utcDateOf(at);
  return day === null || day > expiry;
}

/** Days of use left: 0 on the expiry date itself, negative once expired. */
export function daysUntilExpiry(expiry: string, at: string | Date): number | null {
  const day = utcDateOf(at);
  return day === null ? null : daysBetween(day, expiry);
}

/** Colour bands of stock reports and the dispensing screen. */
export const EXPIRY_BANDS = ['EXPIRED', 'WITHIN_30_DAYS', 'WITHIN_90_DAYS', 'LATER'] as const;
export type ExpiryBand = (typeof EXPIRY_BANDS)[number];

/**
 * EXPIRED once past the expiry date; WITHIN_30_DAYS when 0–29 days of use are left (the
 * expiry date counts as a day of use); WITHIN_90_DAYS for 30–89; LATER from 90 on.
 */
export function expiryBand(expiry: string, at: string | Date): ExpiryBand {
  const left = daysUntilExpiry(expiry, at);
  if (left === null || left < 0) return 'EXPIRED';
  if (left < 30) return 'WITHIN_30_DAYS';
  if (left < 90) return 'WITHIN_90_DAYS';
  return 'LATER';
}

const YEAR_MONTH = /^(\d{4})-(\d{2})/;

/**
 * Whether two expiry dates name the same year and month. The EU verification system
 * compares only these: GS1 day `00` means the month's last day and uploads disagree on which
 * day they write, so a day difference is not a different pack. Unreadable dates never match.
 */
export function sameExpiryMonth(a: string, b: string): boolean {
  const ma = YEAR_MONTH.exec(a);
  const mb = YEAR_MONTH.exec(b);
  return ma !== null && mb !== null && ma[0] === mb[0];
}
