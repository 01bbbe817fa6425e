/**
 * Stable error codes (domain.md §4 plus the platform codes of api.md). Clients branch on
 * these strings, so they never change meaning once published; each carries the HTTP status
 * an API answers with when a request is refused for that reason.
 */
export const ERROR_CODES = {
  // platform
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
  // scan
  BARCODE_INVALID: 400,
  // identity
  UNKNOWN_PRODUCT: 422,
  UNKNOWN_SERIAL: 422,
  UNKNOWN_LOT: 422,
  UNKNOWN_ORGANISATION: 422,
  UNKNOWN_LOCATION: 422,
  LOT_MISMATCH: 422,
  EXPIRY_MISMATCH: 422,
  // state
  INVALID_STATE_TRANSITION: 409,
  ALREADY_DISPENSED: 409,
  ALREADY_DESTROYED: 409,
  DUPLICATE_CODE_USE: 409,
  DUPLICATE_EVENT: 409,
  /** Refused with the rest of its capture because another event of it was refused (EPCIS rollback). */
  CAPTURE_ROLLED_BACK: 409,
  EXPIRED: 422,
  RECALLED: 422,
  ON_HOLD: 422,
  WRONG_CUSTODIAN: 422,
  // aggregation
  CHILD_ALREADY_AGGREGATED: 409,
  PARENT_CONTAINS_UNKNOWN_CHILD: 422,
  // licence
  NO_VALID_APPROVAL: 422,
  QUOTA_EXCEEDED: 422,
  NOT_DESIGNATED_INSTITUTION: 422,
  INDICATION_NOT_APPROVED: 422,
  PATIENT_CONSENT_MISSING: 422,
  TAKEOUT_NOT_PERMITTED: 422,
  TAKEOUT_QUANTITY_EXCEEDED: 422,
  TAKEOUT_CYCLE_ANOMALY: 422,
  CUSTOMS_NOT_RELEASED: 422,
  COLD_CHAIN_EXCURSION: 422,
  DESTRUCTION_WITNESS_REQUIRED: 422,
  ORGANISATION_TYPE_MISMATCH: 422,
  PRODUCT_SUSPENDED: 422,
  // corrections
  UNDO_WINDOW_EXCEEDED: 422,
  UNDO_BY_DIFFERENT_USER: 403,
  BATCH_RECALL_IRREVERSIBLE: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** Subcodes of BARCODE_INVALID (domain.md §4). */
export const BARCODE_SUBCODES = [
  'CHECK_DIGIT',
  'ILLEGAL_DATE',
  'MISSING_REQUIRED_AI',
  'VALUE_TOO_LONG',
  'UNKNOWN_SYMBOLOGY',
] as const;
export type BarcodeSubcode = (typeof BARCODE_SUBCODES)[number];

/** A rule refusal with its stable code: thrown or returned by pure domain functions. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
