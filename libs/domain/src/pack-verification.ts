import type { ErrorCode } from './error-codes';
import { expiryBand, ExpiryBand, isExpiredOn } from './expiry';
import type { UnitSnapshot } from './unit-state-machine';

export interface VerificationCheck {
  check: 'identity' | 'lot' | 'expiry_data' | 'expiry' | 'recall' | 'hold' | 'custody' | 'use';
  ok: boolean;
  code?: ErrorCode;
  detail?: string;
}

export interface PackVerification {
  /** OK when every check passes, otherwise the code of the first that fails. */
  status: 'OK' | ErrorCode;
  band: ExpiryBand;
  checks: VerificationCheck[];
}

/** Where a pack has reached its patient or left use for good. */
const USED: Partial<Record<string, ErrorCode>> = {
  DISPENSED: 'ALREADY_DISPENSED',
  ADMINISTERED: 'ALREADY_DISPENSED',
  TAKEN_OUT: 'ALREADY_DISPENSED',
  DESTROYED: 'ALREADY_DESTROYED',
  SAMPLED: 'INVALID_STATE_TRANSITION',
  RE_EXPORTED: 'INVALID_STATE_TRANSITION',
  LOST: 'INVALID_STATE_TRANSITION',
  STOLEN: 'INVALID_STATE_TRANSITION',
};

/**
 * The counter's instant verification (domain.md §4): may this pack, as scanned, be handed to
 * a patient by this organisation now? Compares the scan with the pack's data (lot; expiry by
 * year and month, as the EU system does), then expiry, recall, hold, custody and use, and
 * says which check fails first. Changes nothing.
 */
export function verifyPack(
  unit: UnitSnapshot,
  scanned: { lot?: string; expiry?: string },
  org: string,
  at: string | Date,
): PackVerification {
  const checks: VerificationCheck[] = [{ check: 'identity', ok: true }];
  const add = (check: VerificationCheck['check'], failing: [ErrorCode, string] | null) =>
    checks.push(
      failing ? { check, ok: false, code: failing[0], detail: failing[1] } : { check, ok: true },
    );
  add(
    'lot',
    scanned.lot !== undefined && scanned.lot !== unit.lot
      ? ['LOT_MISMATCH', `the pack says lot ${scanned.lot}, its data lot ${unit.lot}`]
      : null,
  );
  add(
    'expiry_data',
    scanned.expiry !== undefined && scanned.expiry.slice(0, 7) !== unit.expiry.slice(0, 7)
      ? ['EXPIRY_MISMATCH', `the pack says ${scanned.expiry}, its data ${unit.expiry}`]
      : null,
  );
  add(
    'expiry',
    unit.state === 'EXPIRED' || isExpiredOn(unit.expiry, at)
      ? ['EXPIRED', `expired on ${unit.expiry}`]
      : null,
  );
  add('recall', unit.state === 'RECALLED' ? ['RECALLED', 'the pack is recalled'] : null);
  add(
    'hold',
    unit.state === 'QUARANTINED' ? ['ON_HOLD', `on hold: ${unit.holdReason ?? 'held'}`] : null,
  );
  const used = USED[unit.state];
  add('use', used ? [used, `the pack is ${unit.state.toLowerCase().replace('_', ' ')}`] : null);
  add(
    'custody',
    !used && unit.custodianOrg !== org
      ? ['WRONG_CUSTODIAN', `the pack is not in ${org}'s stock`]
      : null,
  );
  const failed = checks.find((c) => !c.ok);
  return { status: failed?.code ?? 'OK', band: expiryBand(unit.expiry, at), checks };
}
