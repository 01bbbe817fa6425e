import type { ErrorCode } from './error-codes';
import { ACTION_RULES, UnitAction } from './unit-actions';
import { isTerminal, UnitState } from './unit-state';

/** What the ledger knows of one pack now (mirrors the `units` projection). */
export interface UnitSnapshot {
  gtin: string;
  serial: string;
  lot: string;
  expiry: string;
  state: UnitState;
  previousState: UnitState | null;
  custodianOrg: string;
  locationCode: string | null;
  parent: string | null;
  holdReason: string | null;
  declarationNo: string | null;
  approvalNo: string | null;
  shipmentId: string | null;
  destinationOrg: string | null;
  patientRef: string | null;
  prescriptionId: string | null;
  dispensedAt: string | null;
  dispensedBy: string | null;
}

/** The event as the rules see it. */
export interface UnitEvent {
  action: UnitAction;
  /** ISO 8601; its UTC date decides expiry. */
  eventTime: string;
  actor: { sub: string; org: string; roles: readonly string[] };
  /** What the scan said about the pack, when it said it. */
  scanned?: { lot?: string; expiry?: string };
  refs?: {
    declarationNo?: string;
    approvalNo?: string;
    shipmentId?: string;
    prescriptionId?: string;
  };
  context?: {
    locationCode?: string;
    destinationOrg?: string;
    patientRef?: string;
    reason?: string;
    parent?: string;
  };
}

export type Transition =
  { ok: true; next: UnitSnapshot } | { ok: false; code: ErrorCode; detail: string };

/** An undo of a dispense is accepted within 10 days, by the pharmacist who dispensed (EU rule). */
export const UNDO_WINDOW_DAYS = 10;
const DAY_MS = 86_400_000;
const USED_UP: readonly UnitState[] = ['DISPENSED', 'ADMINISTERED', 'TAKEN_OUT'];
const OVERSIGHT = ['admin', 'regulator'];

const refuse = (code: ErrorCode, detail: string): Transition => ({ ok: false, code, detail });

/** Expiry is the last day of use: a pack expires at the end of its expiry date (UTC). */
export function isExpiredOn(expiry: string, eventTime: string): boolean {
  return eventTime.slice(0, 10) > expiry;
}

/**
 * Decides one action on one unit. Checks run in a fixed order so that a person always sees
 * the same, most useful code: identity (unknown, duplicate, lot/expiry), finality (destroyed,
 * already dispensed), recall, hold, expiry, custody, then the transition table.
 */
export function applyUnitAction(unit: UnitSnapshot | undefined, event: UnitEvent): Transition {
  const rule = ACTION_RULES[event.action];
  const serialText = unit ? `${unit.gtin}/${unit.serial}` : 'the pack';
  if (rule.from === 'NONE') {
    if (unit) return refuse('DUPLICATE_CODE_USE', `${serialText} is already known (${unit.state})`);
    return { ok: true, next: announced(event) };
  }
  if (!unit) return refuse('UNKNOWN_SERIAL', 'No such serial for this product in the ledger');

  if (event.scanned?.lot !== undefined && event.scanned.lot !== unit.lot) {
    return refuse(
      'LOT_MISMATCH',
      `The scan says lot ${event.scanned.lot}; the pack belongs to lot ${unit.lot}`,
    );
  }
  // EU practice: compare year and month only (day 00 and last-day conventions differ).
  if (
    event.scanned?.expiry !== undefined &&
    event.scanned.expiry.slice(0, 7) !== unit.expiry.slice(0, 7)
  ) {
    return refuse(
      'EXPIRY_MISMATCH',
      `The scan says expiry ${event.scanned.expiry}; the pack expires ${unit.expiry}`,
    );
  }
  if (unit.state === 'DESTROYED') return refuse('ALREADY_DESTROYED', `${serialText} was destroyed`);
  if (
    (event.action === 'DISPENSE' || event.action === 'TAKE_OUT') &&
    USED_UP.includes(unit.state)
  ) {
    return refuse(
      'ALREADY_DISPENSED',
      `${serialText} was already ${unit.state.toLowerCase().replace('_', ' ')}`,
    );
  }
  if (isTerminal(unit.state)) {
    return refuse('INVALID_STATE_TRANSITION', `${serialText} is ${unit.state}: nothing may follow`);
  }
  if (unit.state === 'RECALLED') {
    if (event.action === 'RELEASE_HOLD') {
      return refuse(
        'BATCH_RECALL_IRREVERSIBLE',
        'A recalled pack cannot be released back into use',
      );
    }
    if (rule.towardsUse) return refuse('RECALLED', `${serialText} is recalled`);
  }
  if (unit.state === 'QUARANTINED' && rule.towardsUse) {
    return refuse(
      'ON_HOLD',
      `${serialText} is on hold${unit.holdReason ? `: ${unit.holdReason}` : ''}`,
    );
  }
  if (rule.towardsUse && (unit.state === 'EXPIRED' || isExpiredOn(unit.expiry, event.eventTime))) {
    return refuse('EXPIRED', `${serialText} expired on ${unit.expiry}`);
  }
  const custody = checkActor(rule.actor, unit, event);
  if (custody) return custody;
  if (!rule.from.includes(unit.state)) {
    return refuse(
      'INVALID_STATE_TRANSITION',
      `${event.action} is not possible for a pack in state ${unit.state}`,
    );
  }
  const special = checkSpecialRules(unit, event);
  if (special) return special;
  return { ok: true, next: nextSnapshot(unit, event) };
}

function checkActor(kind: string, unit: UnitSnapshot, event: UnitEvent): Transition | null {
  const org = event.actor.org;
  if (kind === 'custodian' && org !== unit.custodianOrg) {
    // Regulators may hold and release holds on anyone's stock.
    const oversight = event.actor.roles.some((r) => OVERSIGHT.includes(r));
    if (!(oversight && (event.action === 'HOLD' || event.action === 'RELEASE_HOLD'))) {
      return refuse(
        'WRONG_CUSTODIAN',
        `The pack is in the custody of ${unit.custodianOrg}, not ${org}`,
      );
    }
  }
  if (kind === 'destination' && unit.destinationOrg !== null && org !== unit.destinationOrg) {
    return refuse('WRONG_CUSTODIAN', `The pack was shipped to ${unit.destinationOrg}, not ${org}`);
  }
  return null;
}

function checkSpecialRules(unit: UnitSnapshot, event: UnitEvent): Transition | null {
  if (event.action === 'UNDO_DISPENSE') {
    if (unit.dispensedBy !== event.actor.sub) {
      return refuse(
        'UNDO_BY_DIFFERENT_USER',
        'Only the person who dispensed may undo the dispense',
      );
    }
    const dispensed = Date.parse(unit.dispensedAt ?? '');
    if (!(Date.parse(event.eventTime) - dispensed <= UNDO_WINDOW_DAYS * DAY_MS)) {
      return refuse(
        'UNDO_WINDOW_EXCEEDED',
        `A dispense can be undone within ${UNDO_WINDOW_DAYS} days only`,
      );
    }
  }
  if (event.action === 'ADMINISTER' && event.context?.patientRef !== unit.patientRef) {
    return refuse('WRONG_CUSTODIAN', 'The pack was dispensed to another patient');
  }
  if (event.action === 'SHIP' && !event.context?.destinationOrg) {
    return refuse('INVALID_STATE_TRANSITION', 'A shipment needs a destination');
  }
  return null;
}

/** A new pack; the caller sets gtin and serial (the event may name many packs). */
function announced(event: UnitEvent): UnitSnapshot {
  return {
    gtin: '',
    serial: '',
    lot: event.scanned?.lot ?? '',
    expiry: event.scanned?.expiry ?? '',
    state: 'ANNOUNCED',
    previousState: null,
    custodianOrg: event.actor.org,
    locationCode: event.context?.locationCode ?? null,
    parent: event.context?.parent ?? null,
    holdReason: null,
    declarationNo: event.refs?.declarationNo ?? null,
    approvalNo: event.refs?.approvalNo ?? null,
    shipmentId: null,
    destinationOrg: null,
    patientRef: null,
    prescriptionId: null,
    dispensedAt: null,
    dispensedBy: null,
  };
}

/** What the unit becomes; custody passes to the receiver at receipt, never at shipping. */
function nextSnapshot(unit: UnitSnapshot, event: UnitEvent): UnitSnapshot {
  const rule = ACTION_RULES[event.action];
  const next: UnitSnapshot = { ...unit };
  if (rule.to === 'PREVIOUS') {
    next.state = unit.previousState ?? unit.state;
    next.previousState = null;
  } else if (rule.to !== null) {
    next.state = rule.to;
    next.previousState = unit.state;
  }
  if (event.context?.locationCode) next.locationCode = event.context.locationCode;
  if (event.refs?.declarationNo) next.declarationNo = event.refs.declarationNo;
  switch (event.action) {
    case 'RECEIVE_BONDED':
    case 'RECEIVE_HOSPITAL':
    case 'RECEIVE_HOSPITAL_MISMATCH':
      next.custodianOrg = event.actor.org;
      next.destinationOrg = null;
      if (event.action === 'RECEIVE_HOSPITAL_MISMATCH') {
        next.holdReason = event.context?.reason ?? 'received without matching shipment data';
      }
      break;
    case 'SHIP':
      next.shipmentId = event.refs?.shipmentId ?? null;
      next.destinationOrg = event.context?.destinationOrg ?? null;
      next.approvalNo = event.refs?.approvalNo ?? unit.approvalNo;
      next.parent = null;
      break;
    case 'VOID_SHIPMENT':
      next.shipmentId = null;
      next.destinationOrg = null;
      break;
    case 'DISPENSE':
    case 'TAKE_OUT':
      next.patientRef = event.context?.patientRef ?? null;
      next.prescriptionId = event.refs?.prescriptionId ?? null;
      next.dispensedAt = event.eventTime;
      next.dispensedBy = event.actor.sub;
      break;
    case 'UNDO_DISPENSE':
      next.patientRef = null;
      next.prescriptionId = null;
      next.dispensedAt = null;
      next.dispensedBy = null;
      next.previousState = null;
      break;
    case 'HOLD':
    case 'INSPECT_NON_CONFORMANT':
      next.holdReason = event.context?.reason ?? event.action;
      break;
    case 'RELEASE_HOLD':
      next.holdReason = null;
      break;
    case 'PACK':
      next.parent = event.context?.parent ?? null;
      break;
    case 'UNPACK':
      next.parent = null;
      break;
  }
  return next;
}

/** Convenience facade over the rules table, named for what it is. */
export const UnitStateMachine = {
  apply: applyUnitAction,
  rules: ACTION_RULES,
};
