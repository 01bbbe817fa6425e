import { addDays, daysBetween, utcDateOf } from './expiry';
import type { RuleRefusal } from './master-data-rules';

/**
 * Pure checks of the licensing regime (domain.md §1, §4): approvals, take-out, destruction
 * witnesses, cold chain. Each returns null when the rule is met, or the refusal with its
 * stable code. The approval master-data sanity check is `validateApprovalTerms` in
 * master-data-rules.ts.
 */

export const APPROVAL_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A product approval for an institution, optionally for one patient (first use). */
export interface Approval {
  approvalNo: string;
  gtin: string;
  institutionCode: string;
  /** Set for a per-patient approval: it covers that patient only. */
  patientRef?: string | null;
  indications: readonly string[];
  /** Units approved. */
  quantity: number;
  /** Units already released or dispensed against it. */
  used: number;
  /** First and last day of validity, 'YYYY-MM-DD', both inclusive (UTC). */
  validFrom: string;
  validTo: string;
  /** Absent means ACTIVE. */
  status?: ApprovalStatus;
}

export interface ApprovalUse {
  approval: Approval | null | undefined;
  gtin: string;
  institutionCode: string;
  patientRef?: string;
  /** Checked when given (dispensing); releases to a hospital name no indication. */
  indication?: string;
  /** Units this use draws on the approval. */
  quantity: number;
  /** ISO 8601 instant of the use; its UTC date must lie in the validity window. */
  at: string;
  /** Whether the patient's informed consent is on file; refused only when false. */
  consentRecorded?: boolean;
}

const refusal = (code: RuleRefusal['code'], detail: string): RuleRefusal => ({ code, detail });
const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function remainingQuantity(approval: Pick<Approval, 'quantity' | 'used'>): number {
  return Math.max(0, approval.quantity - approval.used);
}

/**
 * Whether an approval covers a use. Checks, in this order: the quantity is a positive whole
 * number (VALIDATION_FAILED); an approval exists, is for this product, is ACTIVE and valid
 * on the day (all NO_VALID_APPROVAL: the approval number does not cover this product on this
 * day); it was issued to this institution (NOT_DESIGNATED_INSTITUTION); a per-patient
 * approval is for this patient (NO_VALID_APPROVAL: for another patient there is no
 * approval); consent is on file (PATIENT_CONSENT_MISSING); the indication is approved
 * (INDICATION_NOT_APPROVED); the quota holds, reaching it exactly is allowed (QUOTA_EXCEEDED).
 */
export function checkApprovalCovers(use: ApprovalUse): RuleRefusal | null {
  const { approval } = use;
  if (!Number.isInteger(use.quantity) || use.quantity < 1) {
    return refusal('VALIDATION_FAILED', 'quantity must be a positive whole number');
  }
  if (!approval) return refusal('NO_VALID_APPROVAL', 'No approval was given for this use');
  const no = approval.approvalNo;
  if (approval.gtin !== use.gtin) {
    return refusal('NO_VALID_APPROVAL', `Approval ${no} is for another product`);
  }
  const status = approval.status ?? 'ACTIVE';
  if (status !== 'ACTIVE') {
    return refusal('NO_VALID_APPROVAL', `Approval ${no} is ${status.toLowerCase()}`);
  }
  const day = utcDateOf(use.at);
  if (day === null) return refusal('VALIDATION_FAILED', `${use.at} is not a time`);
  if (day < approval.validFrom) {
    return refusal('NO_VALID_APPROVAL', `Approval ${no} is valid from ${approval.validFrom}`);
  }
  if (day > approval.validTo) {
    return refusal('NO_VALID_APPROVAL', `Approval ${no} expired on ${approval.validTo}`);
  }
  if (approval.institutionCode !== use.institutionCode) {
    return refusal(
      'NOT_DESIGNATED_INSTITUTION',
      `Approval ${no} was issued to another institution, not ${use.institutionCode}`,
    );
  }
  if (approval.patientRef && approval.patientRef !== use.patientRef) {
    return refusal('NO_VALID_APPROVAL', `Approval ${no} was issued for another patient`);
  }
  if (use.consentRecorded === false) {
    return refusal('PATIENT_CONSENT_MISSING', "The patient's informed consent is not on file");
  }
  if (
    use.indication !== undefined &&
    !approval.indications.some((i) => sameText(i, use.indication ?? ''))
  ) {
    return refusal(
      'INDICATION_NOT_APPROVED',
      `${use.indication} is not an approved indication of approval ${no}`,
    );
  }
  if (approval.used + use.quantity > approval.quantity) {
    return refusal(
      'QUOTA_EXCEEDED',
      `Approval ${no} has ${remainingQuantity(approval)} of ${approval.quantity} units left; ${use.quantity} asked`,
    );
  }
  return null;
}

/** Administration routes of a product (api.md master data). */
export const PRODUCT_ROUTES = [
  'ORAL',
  'EXTERNAL',
  'SUBCUTANEOUS',
  'INTRAMUSCULAR',
  'INTRAVENOUS',
  'OTHER',
] as const;
export type ProductRoute = (typeof PRODUCT_ROUTES)[number];

/** Oral, external and self-injected subcutaneous drugs may be taken home (domain.md §1). */
export const TAKEOUT_ROUTES: readonly ProductRoute[] = ['ORAL', 'EXTERNAL', 'SUBCUTANEOUS'];
/** At most four weeks' supply. */
export const MAX_TAKEOUT_DAYS = 28;

/** A take-out request: the product's route and the days of supply prescribed. */
export function checkTakeOut(request: { route: string; days: number }): RuleRefusal | null {
  if (!(TAKEOUT_ROUTES as readonly string[]).includes(request.route)) {
    return refusal(
      'TAKEOUT_NOT_PERMITTED',
      `A ${request.route.toLowerCase()} product cannot be taken out of the zone`,
    );
  }
  if (!Number.isInteger(request.days) || request.days < 1) {
    return refusal('VALIDATION_FAILED', 'days of supply must be a positive whole number');
  }
  if (request.days > MAX_TAKEOUT_DAYS) {
    return refusal(
      'TAKEOUT_QUANTITY_EXCEEDED',
      `${request.days} days' supply exceeds the ${MAX_TAKEOUT_DAYS} days allowed`,
    );
  }
  return null;
}

/** One earlier take-out of the same product by the same patient. */
export interface TakeOutRecord {
  /** ISO 8601 instant of the take-out. */
  at: string;
  /** Days of supply it gave. */
  days: number;
}

/** The prescriber's reasoned decision to allow an early refill (kept with the take-out). */
export interface TakeOutOverride {
  reason: string;
}

/**
 * Days a refill may come early without an alert [design]: patients collect before a weekend
 * or a clinic visit; more than this is the "refill faster than the cycle" of domain.md §1.
 */
export const TAKEOUT_REFILL_TOLERANCE_DAYS = 2;

/**
 * When each earlier take-out's supply runs out. Supplies are consumed one after another: a
 * refill taken while supply remains starts when it runs out. Take-outs after `today` (and
 * undated ones) are left out.
 */
function takeOutSupplyEnds<T extends TakeOutRecord>(
  previous: readonly T[],
  today: string,
): { record: T; endsOn: string }[] {
  const dated = previous
    .map((record) => ({ record, day: utcDateOf(record.at) }))
    .filter((p): p is { record: T; day: string } => p.day !== null && p.day <= today)
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const out: { record: T; endsOn: string }[] = [];
  let coveredUntil: string | null = null;
  for (const p of dated) {
    const start: string = coveredUntil !== null && coveredUntil > p.day ? coveredUntil : p.day;
    coveredUntil = addDays(start, p.record.days);
    out.push({ record: p.record, endsOn: coveredUntil });
  }
  return out;
}

/** Days of supply the patient should still have on the UTC date of `now`. */
export function takeOutSupplyOnHand(previous: readonly TakeOutRecord[], now: string): number {
  const today = utcDateOf(now);
  if (today === null) return 0;
  const ends = takeOutSupplyEnds(previous, today);
  if (ends.length === 0) return 0;
  return Math.max(0, daysBetween(today, ends[ends.length - 1].endsOn) ?? 0);
}

/**
 * The earlier take-outs whose supply should not have run out on the UTC date of `now`: what
 * an early refill is measured against, named in the record of a TAKEOUT_CYCLE_ANOMALY.
 */
export function takeOutsStillSupplying<T extends TakeOutRecord>(
  previous: readonly T[],
  now: string,
): T[] {
  const today = utcDateOf(now);
  if (today === null) return [];
  return takeOutSupplyEnds(previous, today)
    .filter((p) => p.endsOn > today)
    .map((p) => p.record);
}

/**
 * TAKEOUT_CYCLE_ANOMALY when a refill comes while more than
 * `TAKEOUT_REFILL_TOLERANCE_DAYS` of earlier supply should remain, unless the prescriber
 * overrides with a non-blank reason (the caller records the override for the regulator).
 */
export function checkTakeOutCycle(
  previous: readonly TakeOutRecord[],
  now: string,
  override?: TakeOutOverride,
): RuleRefusal | null {
  if (utcDateOf(now) === null) return refusal('VALIDATION_FAILED', `${now} is not a time`);
  const onHand = takeOutSupplyOnHand(previous, now);
  if (onHand <= TAKEOUT_REFILL_TOLERANCE_DAYS) return null;
  if (override && override.reason.trim().length > 0) return null;
  return refusal(
    'TAKEOUT_CYCLE_ANOMALY',
    `The patient should still have ${onHand} days of supply; an early refill needs a reason`,
  );
}

/**
 * Destruction needs two different, named people: the executor and the supervisor (Chinese
 * traceability platforms require both identities).
 */
export function checkDestructionWitnesses(people: {
  executor?: string | null;
  supervisor?: string | null;
}): RuleRefusal | null {
  const executor = people.executor?.trim() ?? '';
  const supervisor = people.supervisor?.trim() ?? '';
  if (executor.length === 0 || supervisor.length === 0) {
    return refusal('DESTRUCTION_WITNESS_REQUIRED', 'Name both the executor and the supervisor');
  }
  if (sameText(executor, supervisor)) {
    return refusal(
      'DESTRUCTION_WITNESS_REQUIRED',
      'The supervisor must be someone other than the executor',
    );
  }
  return null;
}

/** A product's storage range in °C; a missing bound is no limit on that side. */
export interface StorageRange {
  storageMinC?: number | null;
  storageMaxC?: number | null;
}

/** COLD_CHAIN_EXCURSION outside the range; the bounds themselves are within it. */
export function checkStorageRange(product: StorageRange, temperatureC: number): RuleRefusal | null {
  if (!Number.isFinite(temperatureC)) {
    return refusal('VALIDATION_FAILED', 'temperatureC must be a number');
  }
  const min = product.storageMinC;
  const max = product.storageMaxC;
  if (
    (min !== null && min !== undefined && temperatureC < min) ||
    (max !== null && max !== undefined && temperatureC > max)
  ) {
    return refusal(
      'COLD_CHAIN_EXCURSION',
      `${temperatureC} °C is outside the storage range ${min ?? '−∞'}…${max ?? '+∞'} °C`,
    );
  }
  return null;
}

/** The first reading outside the range (readings in the order given), or null. */
export function firstExcursion<R extends { temperatureC: number }>(
  product: StorageRange,
  readings: readonly R[],
): R | null {
  return (
    readings.find(
      (r) => checkStorageRange(product, r.temperatureC)?.code === 'COLD_CHAIN_EXCURSION',
    ) ?? null
  );
}
