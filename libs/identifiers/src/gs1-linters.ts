import { gs1CheckDigit } from './check-digit';
import { ISO_3166_ALPHA_2, ISO_3166_NUMERIC, ISO_4217_NUMERIC } from './iso-code-lists';

/**
 * The component checks ("linters") named in the GS1 Barcode Syntax Dictionary, written from
 * the GS1 General Specifications and the behaviour of the gs1/gs1-syntax-dictionary
 * reference linters. Error names are the reference's `GS1_LINTER_*` names without the
 * prefix, and each failure marks the offending span so a screen can highlight it.
 */
export type Gs1LinterError =
  | 'NON_DIGIT_CHARACTER'
  | 'INVALID_CSET82_CHARACTER'
  | 'INVALID_CSET39_CHARACTER'
  | 'INVALID_CSET64_CHARACTER'
  | 'INVALID_CSET64_PADDING'
  | 'INVALID_CSET32_CHARACTER'
  | 'TOO_SHORT_FOR_CHECK_DIGIT'
  | 'INCORRECT_CHECK_DIGIT'
  | 'TOO_SHORT_FOR_CHECK_PAIR'
  | 'TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION'
  | 'INCORRECT_CHECK_PAIR'
  | 'TOO_SHORT_FOR_GCP'
  | 'INVALID_GCP_PREFIX'
  | 'DATE_TOO_SHORT'
  | 'DATE_TOO_LONG'
  | 'ILLEGAL_MONTH'
  | 'ILLEGAL_DAY'
  | 'HOUR_WITH_MINUTE_TOO_SHORT'
  | 'HOUR_WITH_MINUTE_TOO_LONG'
  | 'HOUR_TOO_SHORT'
  | 'HOUR_TOO_LONG'
  | 'MINUTE_TOO_SHORT'
  | 'MINUTE_TOO_LONG'
  | 'SECOND_TOO_SHORT'
  | 'SECOND_TOO_LONG'
  | 'ILLEGAL_HOUR'
  | 'ILLEGAL_MINUTE'
  | 'ILLEGAL_SECOND'
  | 'NOT_ISO3166'
  | 'NOT_ISO3166_OR_999'
  | 'NOT_ISO3166_ALPHA2'
  | 'NOT_ISO4217'
  | 'INVALID_BIOLOGICAL_SEX_CODE'
  | 'INVALID_PERCENT_SEQUENCE'
  | 'INVALID_LATITUDE'
  | 'INVALID_LONGITUDE'
  | 'NOT_ZERO_OR_ONE'
  | 'NOT_HYPHEN'
  | 'IMPORTER_IDX_MUST_BE_ONE_CHARACTER'
  | 'INVALID_IMPORT_IDX_CHARACTER'
  | 'INVALID_MEDIA_TYPE'
  | 'ILLEGAL_ZERO_VALUE'
  | 'NOT_ZERO'
  | 'INVALID_WINDING_DIRECTION'
  | 'INVALID_LENGTH_FOR_PIECE_OF_TOTAL'
  | 'ZERO_PIECE_NUMBER'
  | 'ZERO_TOTAL_PIECES'
  | 'PIECE_NUMBER_EXCEEDS_TOTAL'
  | 'IBAN_TOO_SHORT'
  | 'INVALID_IBAN_CHARACTER'
  | 'ILLEGAL_IBAN_COUNTRY_CODE'
  | 'INCORRECT_IBAN_CHECKSUM'
  | 'ILLEGAL_ZERO_PREFIX'
  | 'REQUIRES_NON_DIGIT_CHARACTER'
  | 'POSITION_IN_SEQUENCE_MALFORMED'
  | 'POSITION_EXCEEDS_END';

export interface Gs1LinterFailure {
  readonly error: Gs1LinterError;
  /** Start and length of the offending span within the linted value. */
  readonly position: number;
  readonly length: number;
}

export type Gs1Linter = (value: string) => Gs1LinterFailure | null;

const fail = (error: Gs1LinterError, position: number, length: number): Gs1LinterFailure => ({
  error,
  position,
  length,
});

const CSET82 = new Set(
  `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`,
);
const CSET39 = new Set('#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const CSET64 = new Set('-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz');
/** Check characters of the alphanumeric check pair, ordered by value. */
const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** CSET 82 in the order that gives each character its value for the check pair. */
const CSET82_ORDERED = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const IMPORTER_INDEX = CSET64;

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function firstOutside(value: string, allowed: ReadonlySet<string>): number {
  for (let i = 0; i < value.length; i++) if (!allowed.has(value[i])) return i;
  return -1;
}

function firstNonDigit(value: string): number {
  for (let i = 0; i < value.length; i++) if (!isDigit(value[i])) return i;
  return -1;
}

function charsetLinter(allowed: ReadonlySet<string>, error: Gs1LinterError): Gs1Linter {
  return (value) => {
    const at = firstOutside(value, allowed);
    return at < 0 ? null : fail(error, at, 1);
  };
}

export const lintCsetNumeric: Gs1Linter = (value) => {
  const at = firstNonDigit(value);
  return at < 0 ? null : fail('NON_DIGIT_CHARACTER', at, 1);
};
export const lintCset82 = charsetLinter(CSET82, 'INVALID_CSET82_CHARACTER');
export const lintCset39 = charsetLinter(CSET39, 'INVALID_CSET39_CHARACTER');

/** base64url with optional `=` padding, which only makes sense on a multiple of 3 characters. */
export const lintCset64: Gs1Linter = (value) => {
  let pads = 0;
  while (pads < value.length && value[value.length - 1 - pads] === '=') pads++;
  const body = value.length - pads;
  if (pads > 2 || (pads > 0 && value.length % 3 !== 0)) {
    return fail('INVALID_CSET64_PADDING', body, pads);
  }
  const at = firstOutside(value.slice(0, body), CSET64);
  return at < 0 ? null : fail('INVALID_CSET64_CHARACTER', at, 1);
};

/** GS1 mod-10 check digit in the last position (GTIN, SSCC, GLN, ...). */
export const lintCsum: Gs1Linter = (value) => {
  if (value.length === 0) return fail('TOO_SHORT_FOR_CHECK_DIGIT', 0, 0);
  const at = firstNonDigit(value);
  if (at >= 0) return fail('NON_DIGIT_CHARACTER', at, 1);
  const expected = gs1CheckDigit(value.slice(0, -1));
  return value.charCodeAt(value.length - 1) - 48 === expected
    ? null
    : fail('INCORRECT_CHECK_DIGIT', value.length - 1, 1);
};

/** The first primes, weights of the alphanumeric check pair from the right. */
const PRIMES: readonly number[] = (() => {
  const primes: number[] = [];
  for (let n = 2; primes.length < 97; n++) {
    if (primes.every((p) => n % p !== 0)) primes.push(n);
  }
  return primes;
})();

/** The two check characters of an alphanumeric GS1 key (GMN, MUDI) without them. */
export function gs1CheckCharacterPair(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    sum += CSET82_ORDERED.indexOf(body[i]) * PRIMES[body.length - 1 - i];
  }
  sum %= 1021;
  return CSET32[sum >> 5] + CSET32[sum & 31];
}

/** GS1 alphanumeric check character pair in the last two positions. */
export const lintCsumAlpha: Gs1Linter = (value) => {
  const len = value.length;
  if (len < 2) return fail('TOO_SHORT_FOR_CHECK_PAIR', 0, len);
  if (len - 2 > PRIMES.length) return fail('TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION', 0, len);
  const body = value.slice(0, -2);
  const bad = firstOutside(body, CSET82);
  if (bad >= 0) return fail('INVALID_CSET82_CHARACTER', bad, 1);
  for (let i = len - 2; i < len; i++) {
    if (!CSET32.includes(value[i])) return fail('INVALID_CSET32_CHARACTER', i, 1);
  }
  return gs1CheckCharacterPair(body) === value.slice(-2)
    ? null
    : fail('INCORRECT_CHECK_PAIR', len - 2, 2);
};

/** The shortest GS1 Company Prefix has four digits. */
const GCP_MIN_LENGTH = 4;

/** Starts with (the digits of) a GS1 Company Prefix. */
export const lintGcpPos1: Gs1Linter = (value) => {
  if (value.length < GCP_MIN_LENGTH) return fail('TOO_SHORT_FOR_GCP', 0, value.length);
  for (let i = 0; i < GCP_MIN_LENGTH; i++) {
    if (!isDigit(value[i])) return fail('INVALID_GCP_PREFIX', i, 1);
  }
  return null;
};

/** A GS1 Company Prefix from the second position (after an indicator or extension digit). */
export const lintGcpPos2: Gs1Linter = (value) => {
  if (value.length < 2) return fail('TOO_SHORT_FOR_GCP', 0, value.length);
  const inner = lintGcpPos1(value.slice(1));
  return inner ? fail(inner.error, inner.position + 1, inner.length) : null;
};

function daysInMonth(year: number, month: number, isLeap: (year: number) => boolean): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Two-digit years: GS1 dates span 1951-2050 around "now", where every 4th year is leap. */
const isLeapTwoDigitYear = (yy: number): boolean => yy % 4 === 0;
const isLeapGregorian = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function dateLinter(yearDigits: 2 | 4, allowDayZero: boolean): Gs1Linter {
  const length = yearDigits + 4;
  const isLeap = yearDigits === 2 ? isLeapTwoDigitYear : isLeapGregorian;
  return (value) => {
    if (value.length < length) return fail('DATE_TOO_SHORT', 0, value.length);
    if (value.length > length) return fail('DATE_TOO_LONG', 0, value.length);
    const at = firstNonDigit(value);
    if (at >= 0) return fail('NON_DIGIT_CHARACTER', at, 1);
    const year = Number(value.slice(0, yearDigits));
    const month = Number(value.slice(yearDigits, yearDigits + 2));
    const day = Number(value.slice(yearDigits + 2));
    if (month < 1 || month > 12) return fail('ILLEGAL_MONTH', yearDigits, 2);
    if (day === 0 && allowDayZero) return null;
    if (day < 1 || day > daysInMonth(year, month, isLeap)) {
      return fail('ILLEGAL_DAY', yearDigits + 2, 2);
    }
    return null;
  };
}

/** YYMMDD; day 00 means the last day of the month (AI 11, 13, 15, 16, 17). */
export const lintYymmd0 = dateLinter(2, true);
export const lintYymmdd = dateLinter(2, false);
export const lintYyyymmdd = dateLinter(4, false);

export const lintHhmi: Gs1Linter = (value) => {
  if (value.length < 4) return fail('HOUR_WITH_MINUTE_TOO_SHORT', 0, value.length);
  if (value.length > 4) return fail('HOUR_WITH_MINUTE_TOO_LONG', 0, value.length);
  const at = firstNonDigit(value);
  if (at >= 0) return fail('NON_DIGIT_CHARACTER', at, 1);
  if (Number(value.slice(0, 2)) > 23) return fail('ILLEGAL_HOUR', 0, 2);
  if (Number(value.slice(2)) > 59) return fail('ILLEGAL_MINUTE', 2, 2);
  return null;
};

function twoDigitLinter(
  limit: number,
  tooShort: Gs1LinterError,
  tooLong: Gs1LinterError,
  illegal: Gs1LinterError,
): Gs1Linter {
  return (value) => {
    if (value.length < 2) return fail(tooShort, 0, value.length);
    if (value.length > 2) return fail(tooLong, 0, value.length);
    const at = firstNonDigit(value);
    if (at >= 0) return fail('NON_DIGIT_CHARACTER', at, 1);
    return Number(value) > limit ? fail(illegal, 0, 2) : null;
  };
}

export const lintHh = twoDigitLinter(23, 'HOUR_TOO_SHORT', 'HOUR_TOO_LONG', 'ILLEGAL_HOUR');
export const lintMi = twoDigitLinter(59, 'MINUTE_TOO_SHORT', 'MINUTE_TOO_LONG', 'ILLEGAL_MINUTE');
export const lintSs = twoDigitLinter(59, 'SECOND_TOO_SHORT', 'SECOND_TOO_LONG', 'ILLEGAL_SECOND');

function listLinter(accepts: (value: string) => boolean, error: Gs1LinterError): Gs1Linter {
  return (value) => (accepts(value) ? null : fail(error, 0, value.length));
}

export const lintIso3166 = listLinter((v) => ISO_3166_NUMERIC.has(v), 'NOT_ISO3166');
export const lintIso3166Or999 = listLinter(
  (v) => v === '999' || ISO_3166_NUMERIC.has(v),
  'NOT_ISO3166_OR_999',
);
export const lintIso3166Alpha2 = listLinter((v) => ISO_3166_ALPHA_2.has(v), 'NOT_ISO3166_ALPHA2');
export const lintIso4217 = listLinter((v) => ISO_4217_NUMERIC.has(v), 'NOT_ISO4217');
/** ISO/IEC 5218 sex codes: not known, male, female, not applicable. */
export const lintIso5218 = listLinter(
  (v) => ['0', '1', '2', '9'].includes(v),
  'INVALID_BIOLOGICAL_SEX_CODE',
);
export const lintYesNo = listLinter((v) => v === '0' || v === '1', 'NOT_ZERO_OR_ONE');
export const lintZero = listLinter((v) => v === '0', 'NOT_ZERO');
export const lintNonZero = listLinter((v) => /[^0]/.test(v), 'ILLEGAL_ZERO_VALUE');
export const lintWinding = listLinter(
  (v) => ['0', '1', '9'].includes(v),
  'INVALID_WINDING_DIRECTION',
);
/** AIDC media types: 01-10 assigned by ICCBBA, 80-99 for local use. */
export const lintMediaType = listLinter(
  (v) => /^\d\d$/.test(v) && ((v >= '01' && v <= '10') || v >= '80'),
  'INVALID_MEDIA_TYPE',
);
export const lintHasNonDigit = listLinter(
  (v) => firstNonDigit(v) >= 0,
  'REQUIRES_NON_DIGIT_CHARACTER',
);
/** N10 latitude 0000000000-1800000000 and longitude 0000000000-3600000000 (AI 4309). */
export const lintLatitude = listLinter(
  (v) => /^\d{10}$/.test(v) && v <= '1800000000',
  'INVALID_LATITUDE',
);
export const lintLongitude = listLinter(
  (v) => /^\d{10}$/.test(v) && v <= '3600000000',
  'INVALID_LONGITUDE',
);

export const lintHyphen: Gs1Linter = (value) => {
  const at = [...value].findIndex((c) => c !== '-');
  return at < 0 ? null : fail('NOT_HYPHEN', at, 1);
};

export const lintPercentEncoding: Gs1Linter = (value) => {
  for (let at = value.indexOf('%'); at >= 0; at = value.indexOf('%', at + 3)) {
    if (value.length - at < 3) return fail('INVALID_PERCENT_SEQUENCE', at, value.length - at);
    if (!/^[0-9A-Fa-f]{2}$/.test(value.slice(at + 1, at + 3))) {
      return fail('INVALID_PERCENT_SEQUENCE', at, 3);
    }
  }
  return null;
};

export const lintImporterIndex: Gs1Linter = (value) => {
  if (value.length !== 1) return fail('IMPORTER_IDX_MUST_BE_ONE_CHARACTER', 0, value.length);
  return IMPORTER_INDEX.has(value) ? null : fail('INVALID_IMPORT_IDX_CHARACTER', 0, 1);
};

export const lintNoZeroPrefix: Gs1Linter = (value) => {
  const at = firstNonDigit(value);
  if (at >= 0) return fail('NON_DIGIT_CHARACTER', at, 1);
  return value.startsWith('0') ? fail('ILLEGAL_ZERO_PREFIX', 0, 1) : null;
};

/** Piece number then total, each half of the component (AI 8006, 8026: `0102` = 1 of 2). */
export const lintPieceOfTotal: Gs1Linter = (value) => {
  if (value.length === 0 || value.length % 2 !== 0 || firstNonDigit(value) >= 0) {
    return fail('INVALID_LENGTH_FOR_PIECE_OF_TOTAL', 0, value.length);
  }
  const half = value.length / 2;
  const piece = Number(value.slice(0, half));
  const total = Number(value.slice(half));
  if (piece === 0) return fail('ZERO_PIECE_NUMBER', 0, half);
  if (total === 0) return fail('ZERO_TOTAL_PIECES', half, half);
  return piece > total ? fail('PIECE_NUMBER_EXCEEDS_TOTAL', 0, value.length) : null;
};

/** `<pos>/<end>`, both without zero prefix, pos not after end (AI 7258). */
export const lintPositionInSequence: Gs1Linter = (value) => {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) return fail('POSITION_IN_SEQUENCE_MALFORMED', 0, value.length);
  const [, position, end] = m;
  if (position.startsWith('0')) return fail('ILLEGAL_ZERO_PREFIX', 0, position.length);
  if (end.startsWith('0')) return fail('ILLEGAL_ZERO_PREFIX', position.length + 1, end.length);
  const exceeds = position.length !== end.length ? position.length > end.length : position > end;
  return exceeds ? fail('POSITION_EXCEEDS_END', 0, value.length) : null;
};

const IBAN_CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ISO 13616 IBAN: country code, two check digits, mod 97 over the rotated digits equals 1. */
export const lintIban: Gs1Linter = (value) => {
  // No fixed minimum length: long enough to hold the country code and check digits.
  if (value.length <= 10) return fail('IBAN_TOO_SHORT', 0, value.length);
  if (!ISO_3166_ALPHA_2.has(value.slice(0, 2))) return fail('ILLEGAL_IBAN_COUNTRY_CODE', 0, 2);
  for (let i = 2; i < 4; i++) {
    if (!IBAN_CHARACTERS.includes(value[i])) return fail('INVALID_IBAN_CHARACTER', i, 1);
  }
  let remainder = 0;
  const rotated = value.slice(4) + value.slice(0, 4);
  for (let i = 0; i < rotated.length; i++) {
    const digitValue = IBAN_CHARACTERS.indexOf(rotated[i]);
    if (digitValue < 0) return fail('INVALID_IBAN_CHARACTER', (i + 4) % value.length, 1);
    remainder = (remainder * (digitValue < 10 ? 10 : 100) + digitValue) % 97;
  }
  return remainder === 1 ? null : fail('INCORRECT_IBAN_CHECKSUM', 2, 2);
};

/** Character-set linters applied to every component before its named linters. */
export const CHARSET_LINTERS: Readonly<Record<'N' | 'X' | 'Y' | 'Z', Gs1Linter>> = {
  N: lintCsetNumeric,
  X: lintCset82,
  Y: lintCset39,
  Z: lintCset64,
};

/** Linters by their dictionary names. */
export const GS1_LINTERS: Readonly<Record<string, Gs1Linter>> = {
  csetnumeric: lintCsetNumeric,
  cset82: lintCset82,
  cset39: lintCset39,
  cset64: lintCset64,
  csum: lintCsum,
  csumalpha: lintCsumAlpha,
  gcppos1: lintGcpPos1,
  gcppos2: lintGcpPos2,
  yymmd0: lintYymmd0,
  yymmdd: lintYymmdd,
  yyyymmdd: lintYyyymmdd,
  hhmi: lintHhmi,
  hh: lintHh,
  mi: lintMi,
  ss: lintSs,
  iso3166: lintIso3166,
  iso3166999: lintIso3166Or999,
  iso3166alpha2: lintIso3166Alpha2,
  iso4217: lintIso4217,
  iso5218: lintIso5218,
  yesno: lintYesNo,
  zero: lintZero,
  nonzero: lintNonZero,
  winding: lintWinding,
  mediatype: lintMediaType,
  hasnondigit: lintHasNonDigit,
  latitude: lintLatitude,
  longitude: lintLongitude,
  hyphen: lintHyphen,
  pcenc: lintPercentEncoding,
  importeridx: lintImporterIndex,
  nozeroprefix: lintNoZeroPrefix,
  pieceoftotal: lintPieceOfTotal,
  posinseqslash: lintPositionInSequence,
  iban: lintIban,
};

/**
 * Linters of AIs a pharmacy scanner never meets (North American retail coupons, freight
 * package type codes). An AI that needs one is refused as unsupported rather than accepted
 * half-checked.
 */
export const UNSUPPORTED_LINTERS: ReadonlySet<string> = new Set([
  'couponcode',
  'couponposoffer',
  'packagetype',
]);
