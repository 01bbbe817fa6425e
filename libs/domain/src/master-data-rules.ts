import type { ErrorCode } from './error-codes';
import { DAY_MS, parseIsoDate } from './expiry';

export interface ApprovalTerms {
  quantity: number;
  validFrom: string;
  validTo: string;
  indications: string[];
}

/** Why a pure rule refused, with the stable code an API answers with. */
export interface RuleRefusal {
  code: ErrorCode;
  detail: string;
}

/** "Small amount" for urgent clinical use [design]: one approval covers at most this many units. */
export const MAX_APPROVAL_QUANTITY = 100_000;
/** Approvals are renewed at least every five years [design]. */
export const MAX_APPROVAL_VALIDITY_DAYS = 5 * 366;

/** Sanity of an approval's terms as the regulator issues it; null when acceptable. */
export function validateApprovalTerms(terms: ApprovalTerms): RuleRefusal | null {
  if (!Number.isInteger(terms.quantity) || terms.quantity < 1) {
    return { code: 'VALIDATION_FAILED', detail: 'quantity must be a positive whole number' };
  }
  if (terms.quantity > MAX_APPROVAL_QUANTITY) {
    return {
      code: 'VALIDATION_FAILED',
      detail: `quantity ${terms.quantity} exceeds ${MAX_APPROVAL_QUANTITY}, not a small amount for urgent use`,
    };
  }
  const from = parseIsoDate(terms.validFrom);
  const to = parseIsoDate(terms.validTo);
  if (from === null || to === null) {
    return {
      code: 'VALIDATION_FAILED',
      detail: 'validFrom and validTo must be real dates YYYY-MM-DD',
    };
  }
  if (from > to) {
    return { code: 'VALIDATION_FAILED', detail: 'validFrom must not be after validTo' };
  }
  if ((to - from) / DAY_MS > MAX_APPROVAL_VALIDITY_DAYS) {
    return {
      code: 'VALIDATION_FAILED',
      detail: `the validity window exceeds ${MAX_APPROVAL_VALIDITY_DAYS} days`,
    };
  }
  const indications = terms.indications.map((i) => i.trim());
  if (indications.length === 0 || indications.some((i) => i.length === 0)) {
    return { code: 'VALIDATION_FAILED', detail: 'name at least one approved indication' };
  }
  if (new Set(indications.map((i) => i.toLowerCase())).size !== indications.length) {
    return { code: 'VALIDATION_FAILED', detail: 'an indication is listed twice' };
  }
  return null;
}

export interface ProductTerms {
  kind: 'DRUG' | 'DEVICE';
  implantable?: boolean;
  storageMinC?: number | null;
  storageMaxC?: number | null;
}

/** Sanity of a product's registration; null when acceptable. */
export function validateProductTerms(terms: ProductTerms): RuleRefusal | null {
  const { storageMinC: min, storageMaxC: max } = terms;
  if (min !== undefined && min !== null && max !== undefined && max !== null && min > max) {
    return { code: 'VALIDATION_FAILED', detail: 'storageMinC must not exceed storageMaxC' };
  }
  if (terms.implantable && terms.kind !== 'DEVICE') {
    return { code: 'VALIDATION_FAILED', detail: 'Only a DEVICE can be implantable' };
  }
  return null;
}
