import {
  addDays,
  daysBetween,
  daysUntilExpiry,
  expiryBand,
  isExpiredOn,
  isIsoDate,
  parseIsoDate,
  sameExpiryMonth,
  utcDateOf,
} from './expiry';

describe('calendar dates in UTC', () => {
  it('parses only real calendar dates', () => {
    expect(parseIsoDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('2025-1-01')).toBeNull();
    expect(isIsoDate('2028-12-00')).toBe(false);
  });

  it('takes the UTC date of an instant in any zone', () => {
    expect(utcDateOf('2026-06-02T07:00:00+08:00')).toBe('2026-06-01');
    expect(utcDateOf('2026-06-01T23:59:59.999Z')).toBe('2026-06-01');
    expect(utcDateOf('2026-06-01')).toBe('2026-06-01');
    expect(utcDateOf(new Date(Date.UTC(2026, 0, 31, 12)))).toBe('2026-01-31');
    expect(utcDateOf('tomorrow')).toBeNull();
  });

  it('counts whole days across months and leap days', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-03-01', '2026-02-28')).toBe(-1);
    expect(daysBetween('2026-13-01', '2026-02-28')).toBeNull();
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(() => addDays('nope', 1)).toThrow(RangeError);
  });
});

describe('expiry', () => {
  it('a pack is usable on its expiry date and expired the next UTC day', () => {
    expect(isExpiredOn('2026-06-01', '2026-06-01T23:59:59Z')).toBe(false);
    expect(isExpiredOn('2026-06-01', '2026-06-02T00:00:00Z')).toBe(true);
    expect(isExpiredOn('2026-06-01', '2026-06-02T07:59:59+08:00')).toBe(false);
    expect(isExpiredOn('2026-06-01', 'garbled')).toBe(true);
  });

  it('counts days of use left', () => {
    expect(daysUntilExpiry('2026-06-01', '2026-06-01T12:00:00Z')).toBe(0);
    expect(daysUntilExpiry('2026-06-01', '2026-05-02T00:00:00Z')).toBe(30);
    expect(daysUntilExpiry('2026-06-01', '2026-06-03')).toBe(-2);
    expect(daysUntilExpiry('2026-06-01', 'garbled')).toBeNull();
  });

  it.each([
    ['2026-06-02', 'EXPIRED'],
    ['2026-06-01', 'WITHIN_30_DAYS'],
    ['2026-05-03', 'WITHIN_30_DAYS'],
    ['2026-05-02', 'WITHIN_90_DAYS'],
    ['2026-03-04', 'WITHIN_90_DAYS'],
    ['2026-03-03', 'LATER'],
  ])('on %s a pack expiring 2026-06-01 is in band %s', (today, band) => {
    expect(expiryBand('2026-06-01', today)).toBe(band);
  });

  it('an unreadable time puts a pack in the EXPIRED band', () => {
    expect(expiryBand('2026-06-01', '')).toBe('EXPIRED');
  });

  it('compares expiry dates by year and month only (EU practice)', () => {
    expect(sameExpiryMonth('2028-12-31', '2028-12-00')).toBe(true);
    expect(sameExpiryMonth('2028-12-31', '2028-12-01')).toBe(true);
    expect(sameExpiryMonth('2028-12-31', '2028-11-30')).toBe(false);
    expect(sameExpiryMonth('2028-12-31', '2029-12-31')).toBe(false);
    expect(sameExpiryMonth('2028-12-31', '')).toBe(false);
  });
});
