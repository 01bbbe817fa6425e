import type { BarcodeSubcode } from '@trace/domain';
import type { Gs1LinterError, Gs1LinterFailure } from './gs1-linters';

/** Why a scan was refused, finer than the five BARCODE_INVALID subcodes. */
export type ScanStructureReason =
  | 'NO_DATA'
  | 'MISSING_SYMBOLOGY_IDENTIFIER'
  | 'UNSUPPORTED_SYMBOLOGY'
  | 'NOT_GS1_DATA'
  | 'MALFORMED_ELEMENT_STRING'
  | 'UNKNOWN_AI'
  | 'UNSUPPORTED_AI'
  | 'VALUE_EMPTY'
  | 'VALUE_TOO_SHORT'
  | 'VALUE_TOO_LONG'
  | 'ILLEGAL_CARET'
  | 'REQUIRED_AI_MISSING'
  | 'EXCLUSIVE_AIS'
  | 'CONFLICTING_REPEATED_AI'
  | 'DIGSIG_NEEDS_SERIALISED_KEY'
  | 'DL_ILLEGAL_CHARACTER'
  | 'DL_BAD_SCHEME'
  | 'DL_BAD_DOMAIN'
  | 'DL_NO_PRIMARY_KEY'
  | 'DL_NULL_CHARACTER'
  | 'DL_KEY_QUALIFIER_ORDER'
  | 'DL_DUPLICATE_AI'
  | 'DL_NOT_A_DATA_ATTRIBUTE'
  | 'DL_AI_BELONGS_IN_PATH'
  | 'CN20_MALFORMED';

export type ScanFailureReason = ScanStructureReason | Gs1LinterError;

export interface ScanFailure {
  readonly reason: ScanFailureReason;
  readonly ai?: string;
  readonly value?: string;
  /** The linter's finding, its position within `value`. */
  readonly linter?: Gs1LinterFailure;
  /** What was expected instead, in words (required AIs, the other AI of a pair, ...). */
  readonly expected?: string;
}

const CHECK_DIGIT_REASONS = new Set<ScanFailureReason>([
  'INCORRECT_CHECK_DIGIT',
  'TOO_SHORT_FOR_CHECK_DIGIT',
  'INCORRECT_CHECK_PAIR',
  'TOO_SHORT_FOR_CHECK_PAIR',
  'TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION',
  'INCORRECT_IBAN_CHECKSUM',
]);

const DATE_REASONS = new Set<ScanFailureReason>([
  'DATE_TOO_SHORT',
  'DATE_TOO_LONG',
  'ILLEGAL_MONTH',
  'ILLEGAL_DAY',
  'HOUR_WITH_MINUTE_TOO_SHORT',
  'HOUR_WITH_MINUTE_TOO_LONG',
  'HOUR_TOO_SHORT',
  'HOUR_TOO_LONG',
  'MINUTE_TOO_SHORT',
  'MINUTE_TOO_LONG',
  'SECOND_TOO_SHORT',
  'SECOND_TOO_LONG',
  'ILLEGAL_HOUR',
  'ILLEGAL_MINUTE',
  'ILLEGAL_SECOND',
]);

const ASSOCIATION_REASONS = new Set<ScanFailureReason>([
  'REQUIRED_AI_MISSING',
  'EXCLUSIVE_AIS',
  'CONFLICTING_REPEATED_AI',
  'DIGSIG_NEEDS_SERIALISED_KEY',
  'DL_DUPLICATE_AI',
]);

const LENGTH_REASONS = new Set<ScanFailureReason>([
  'VALUE_EMPTY',
  'VALUE_TOO_SHORT',
  'VALUE_TOO_LONG',
  'CN20_MALFORMED',
]);

/**
 * The BARCODE_INVALID subcode of a failure. The five subcodes are the stable API (domain.md
 * §4); failures without a subcode of their own go to the nearest family: the AI combination
 * rules (req=, ex=, repeated AIs) to MISSING_REQUIRED_AI, every length fault to
 * VALUE_TOO_LONG, and anything that is not well-formed GS1 data (syntax, unknown AI,
 * character set, code lists, Digital Link structure) to UNKNOWN_SYMBOLOGY.
 */
export function subcodeOf(reason: ScanFailureReason): BarcodeSubcode {
  if (CHECK_DIGIT_REASONS.has(reason)) return 'CHECK_DIGIT';
  if (DATE_REASONS.has(reason)) return 'ILLEGAL_DATE';
  if (ASSOCIATION_REASONS.has(reason)) return 'MISSING_REQUIRED_AI';
  if (LENGTH_REASONS.has(reason)) return 'VALUE_TOO_LONG';
  return 'UNKNOWN_SYMBOLOGY';
}

const LINTER_TEXT: Readonly<Record<Gs1LinterError, string>> = {
  NON_DIGIT_CHARACTER: 'it holds a character that is not a digit',
  INVALID_CSET82_CHARACTER: 'it holds a character GS1 barcodes do not allow',
  INVALID_CSET39_CHARACTER: 'it holds a character other than A-Z, 0-9, #, - or /',
  INVALID_CSET64_CHARACTER: 'it holds a character that is not base64url',
  INVALID_CSET64_PADDING: 'its base64url padding is wrong',
  INVALID_CSET32_CHARACTER: 'its check characters are not valid check characters',
  TOO_SHORT_FOR_CHECK_DIGIT: 'it is too short to carry a check digit',
  INCORRECT_CHECK_DIGIT: 'its check digit is wrong',
  TOO_SHORT_FOR_CHECK_PAIR: 'it is too short to carry its check characters',
  TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION: 'it is too long to compute its check characters',
  INCORRECT_CHECK_PAIR: 'its check characters are wrong',
  TOO_SHORT_FOR_GCP: 'it is too short to start with a GS1 Company Prefix',
  INVALID_GCP_PREFIX: 'it does not start with a GS1 Company Prefix',
  DATE_TOO_SHORT: 'the date is too short',
  DATE_TOO_LONG: 'the date is too long',
  ILLEGAL_MONTH: 'the month is not 01-12',
  ILLEGAL_DAY: 'that day does not exist in that month',
  HOUR_WITH_MINUTE_TOO_SHORT: 'the time is too short',
  HOUR_WITH_MINUTE_TOO_LONG: 'the time is too long',
  HOUR_TOO_SHORT: 'the hour is too short',
  HOUR_TOO_LONG: 'the hour is too long',
  MINUTE_TOO_SHORT: 'the minute is too short',
  MINUTE_TOO_LONG: 'the minute is too long',
  SECOND_TOO_SHORT: 'the second is too short',
  SECOND_TOO_LONG: 'the second is too long',
  ILLEGAL_HOUR: 'the hour is not 00-23',
  ILLEGAL_MINUTE: 'the minute is not 00-59',
  ILLEGAL_SECOND: 'the second is not 00-59',
  NOT_ISO3166: 'it is not an ISO 3166 country number',
  NOT_ISO3166_OR_999: 'it is not an ISO 3166 country number or 999',
  NOT_ISO3166_ALPHA2: 'it is not an ISO 3166 two-letter country code',
  NOT_ISO4217: 'it is not an ISO 4217 currency number',
  INVALID_BIOLOGICAL_SEX_CODE: 'it is not an ISO/IEC 5218 sex code',
  INVALID_PERCENT_SEQUENCE: 'it holds a broken %-escape',
  INVALID_LATITUDE: 'the latitude is out of range',
  INVALID_LONGITUDE: 'the longitude is out of range',
  NOT_ZERO_OR_ONE: 'it must be 0 or 1',
  NOT_HYPHEN: 'only a hyphen is allowed there',
  IMPORTER_IDX_MUST_BE_ONE_CHARACTER: 'the importer index must be one character',
  INVALID_IMPORT_IDX_CHARACTER: 'the importer index character is not allowed',
  INVALID_MEDIA_TYPE: 'it is not an AIDC media type',
  ILLEGAL_ZERO_VALUE: 'it must not be zero',
  NOT_ZERO: 'it must be 0',
  INVALID_WINDING_DIRECTION: 'the winding direction must be 0, 1 or 9',
  INVALID_LENGTH_FOR_PIECE_OF_TOTAL: 'the piece and total are malformed',
  ZERO_PIECE_NUMBER: 'the piece number is zero',
  ZERO_TOTAL_PIECES: 'the total number of pieces is zero',
  PIECE_NUMBER_EXCEEDS_TOTAL: 'the piece number exceeds the total',
  IBAN_TOO_SHORT: 'the IBAN is too short',
  INVALID_IBAN_CHARACTER: 'the IBAN holds a character that is not allowed',
  ILLEGAL_IBAN_COUNTRY_CODE: 'the IBAN does not start with a country code',
  INCORRECT_IBAN_CHECKSUM: 'the IBAN check digits are wrong',
  ILLEGAL_ZERO_PREFIX: 'it must not start with 0',
  REQUIRES_NON_DIGIT_CHARACTER: 'it must hold at least one non-digit',
  POSITION_IN_SEQUENCE_MALFORMED: 'it must read <position>/<end>',
  POSITION_EXCEEDS_END: 'the position exceeds the end',
};

const RESCAN = 'Rescan the code; if it fails again, set the pack aside and report it.';

/** Plain words for the person scanning. `titleOf` gives an AI's name, e.g. "BATCH/LOT". */
export function describeScanFailure(failure: ScanFailure, titleOf: (ai: string) => string): string {
  const { reason, ai, value, expected } = failure;
  const label = ai ? `${titleOf(ai)} (${ai})` : 'The code';
  const shown = value !== undefined ? ` "${value}"` : '';
  switch (reason) {
    case 'NO_DATA':
      return 'The scanner sent no data. Rescan the code.';
    case 'MISSING_SYMBOLOGY_IDENTIFIER':
      return 'The scan starts with "]" but not with a complete symbology identifier such as ]d2. Check the scanner settings.';
    case 'UNSUPPORTED_SYMBOLOGY':
      return `The symbology identifier ${value ?? ''} is not a barcode type this system reads (GS1 DataMatrix, GS1 QR, GS1-128, DataBar, EAN/UPC, DotCode).`;
    case 'NOT_GS1_DATA':
      return 'The code holds plain text, not GS1 data, a GS1 Digital Link or a Chinese drug traceability code. Scan the GS1 DataMatrix on the pack.';
    case 'MALFORMED_ELEMENT_STRING':
      return `The data${shown} is not a GS1 element string: it must start with an AI, e.g. (01) followed by the GTIN.`;
    case 'UNKNOWN_AI':
      return `The data${shown} starts with no known GS1 Application Identifier. The code may be damaged or not a GS1 code. ${RESCAN}`;
    case 'UNSUPPORTED_AI':
      return `${label} is a GS1 AI used outside medicine supply (e.g. retail coupons) and is not accepted here.`;
    case 'VALUE_EMPTY':
      return `${label} has no value.`;
    case 'VALUE_TOO_SHORT':
      return `${label}${shown} is too short for this AI. ${RESCAN}`;
    case 'VALUE_TOO_LONG':
      return `${label}${shown} is too long for this AI. If the scanner drops the GS separator, the next field runs into this one: check the scanner's FNC1/GS setting.`;
    case 'ILLEGAL_CARET':
      return `${label}${shown} holds a "^" character, which GS1 data may not contain.`;
    case 'REQUIRED_AI_MISSING':
      return `${label} needs ${expected ?? 'another AI'} in the same code, which is missing.`;
    case 'EXCLUSIVE_AIS':
      return `${label} must not appear together with ${expected ?? 'another AI'} in one code.`;
    case 'CONFLICTING_REPEATED_AI':
      return `${label} appears twice with different values. The code is inconsistent; do not use it.`;
    case 'DIGSIG_NEEDS_SERIALISED_KEY':
      return `${label} is signed by a digital signature (8030) but carries no serial component.`;
    case 'DL_ILLEGAL_CHARACTER':
      return 'The web address holds characters that a GS1 Digital Link URI may not contain.';
    case 'DL_BAD_SCHEME':
      return 'The web address must start with http:// or https:// (all lower or all upper case).';
    case 'DL_BAD_DOMAIN':
      return 'The web address has no valid domain name.';
    case 'DL_NO_PRIMARY_KEY':
      return 'The web address is not a GS1 Digital Link: its path names no GS1 key such as /01/<GTIN>.';
    case 'DL_NULL_CHARACTER':
      return `${label} decodes to a NUL character, which is not allowed.`;
    case 'DL_KEY_QUALIFIER_ORDER':
      return `The Digital Link path ${expected ?? ''} is not allowed: after /01/ only /22/, /10/, /21/ may follow, in that order.`;
    case 'DL_DUPLICATE_AI':
      return `${label} appears more than once in the Digital Link.`;
    case 'DL_NOT_A_DATA_ATTRIBUTE':
      return `${label} may not be given as a Digital Link query parameter.`;
    case 'DL_AI_BELONGS_IN_PATH':
      return `${label} belongs in the Digital Link path (e.g. /10/<lot>), not in the query string.`;
    case 'CN20_MALFORMED':
      return 'A Chinese drug traceability code has exactly 20 digits and starts with 8.';
    default:
      return `${label}${shown} is not valid: ${LINTER_TEXT[reason]}. ${RESCAN}`;
  }
}

/** A parse step's outcome: its result, or the failure that stopped it. */
export type ParseOutcome<T> =
  { readonly ok: true; readonly result: T } | { readonly ok: false; readonly failure: ScanFailure };

export const succeed = <T>(result: T): ParseOutcome<T> => ({ ok: true, result });
export const refuse = <T>(failure: ScanFailure): ParseOutcome<T> => ({ ok: false, failure });
