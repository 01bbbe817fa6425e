import { gs1FullYear, lastDayOfMonth, resolveGs1Date } from './gs1-date';

const now = new Date('2025-06-15T00:00:00Z');

describe('GS1 dates', () => {
  it('resolves day 00 to the last day of the month, leap years included', () => {
    expect(resolveGs1Date('240200', now)).toBe('2024-02-29');
    expect(resolveGs1Date('250200', now)).toBe('2025-02-28');
    expect(resolveGs1Date('000200', now)).toBe('2000-02-29');
    expect(resolveGs1Date('251100', now)).toBe('2025-11-30');
  });

  it('refuses what is not a date', () => {
    for (const value of ['250229', '251301', '2502', '25020a'])
      expect(resolveGs1Date(value, now)).toBeNull();
  });

  it('uses the GS1 sliding century window', () => {
    expect(gs1FullYear(75, now)).toBe(2075);
    expect(gs1FullYear(76, now)).toBe(1976);
    expect(gs1FullYear(0, new Date('2080-01-01'))).toBe(2100);
    expect(lastDayOfMonth(2100, 2)).toBe(28);
    // 2100 is no leap year, though "00" passes the two-digit linter.
    expect(resolveGs1Date('000229', new Date('2080-01-01'))).toBeNull();
  });
});
