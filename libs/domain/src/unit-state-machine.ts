import type { ErrorCode } from './error-codes';
import { DAY_MS, isExpiredOn, isIsoDate, sameExpiryMonth, utcDateOf } from './expiry';
import type { RuleRefusal } from './master-data-rules';
import { ACTION_RULES, actionsFrom, ActionRule, UnitAction } from './unit-actions';
import { isTerminal, UnitState, USED_UP_STATES } from './unit-state';

/**
 * What the ledger knows of one pack now. It is exactly the `units` projection row (without
 * its bookkeeping columns), so every field here is a column: add none without a migration.
 * The last dispense is kept flat (`patientRef`, `prescriptionId`, `dispensedAt`,
 * `dispensedBy`); `lastDispenseOf` gives it as one record.
 */
export interface UnitSnapshot {
  gtin: string;
  serial: string;
  lot: string;
  /** 'YYYY-MM-DD', the last day of use. */
  expiry: string;
  state: UnitState;
  /** The state before the last change; for QUARANTINED and IN_TRANSIT, the state to return to. */
  previousState: UnitState | null;
  custodianOrg: string;
  locationCode: string | null;
  /** SSCC of the case or pallet the pack is in. */
  parent: string | null;
  holdReason: string | null;
  declarationNo: string | null;
  approvalNo: string | null;
  shipmentId: string | null;
  /** Where a shipment (or a return) is headed; custody passes there at receipt. */
  destinationOrg: string | null;
  patientRef: string | null;
  prescriptionId: string | null;
  /** ISO 8601 instant of the last dispense or take-out. */
  dispensedAt: string | null;
  /** User (token `sub`) who dispensed. */
  dispensedBy: string | null;
}

/** The state machine's answer: the unit's complete next projection row (replace, not merge). */
export type UnitProjectionChange = UnitSnapshot;

/**
 * A copy of a snapshot's fields (and only those), written out as one literal. In V8 a spread
 * copy that then gains a property gets a map of its own: code reading thousands of such rows
 * a batch turned megamorphic and read each field several times slower (measured).
 */
export function copySnapshot(unit: UnitSnapshot): UnitSnapshot {
  return {
    gtin: unit.gtin,
    serial: unit.serial,
    lot: unit.lot,
    expiry: unit.expiry,
    state: unit.state,
    previousState: unit.previousState,
    custodianOrg: unit.custodianOrg,
    locationCode: unit.locationCode,
    parent: unit.parent,
    holdReason: unit.holdReason,
    declarationNo: unit.declarationNo,
    approvalNo: unit.approvalNo,
    shipmentId: unit.shipmentId,
    destinationOrg: unit.destinationOrg,
    patientRef: unit.patientRef,
    prescriptionId: unit.prescriptionId,
    dispensedAt: unit.dispensedAt,
    dispensedBy: unit.dispensedBy,
  };
}

/** The event as the rules see it. */
export interface UnitEvent {
  action: UnitAction;
  /** ISO 8601; its UTC date decides expiry. */
  eventTime: string;
  actor: { sub: string; org: string; roles: readonly string[] };
  /** What the scan said about the pack, when it said it (gtin and serial name a new pack). */
  scanned?: { gtin?: string; serial?: string; lot?: string; expiry?: string };
  refs?: {
    declarationNo?: string;
    approvalNo?: string;
    shipmentId?: string;
    prescriptionId?: string;
  };
  context?: {
    locationCode?: string;
    /** Organisation a shipment, transfer or return goes to. */
    destinationOrg?: string;
    patientRef?: string;
    reason?: string;
    /** SSCC to pack into (PACK), unpack from (UNPACK) or that an announced pack arrives in. */
    parent?: string;
    /** Whether customs released the declaration; SHIP is refused only when this is false. */
    customsReleased?: boolean;
  };
}

/** An event without its action: the third argument of `UnitStateMachine.apply`. */
export type UnitActionInput = Omit<UnitEvent, 'action'>;

export type UnitRefusal = { ok: false; code: ErrorCode; detail: string };
export type Transition = { ok: true; next: UnitProjectionChange } | UnitRefusal;

/** One dispense, as the undo rule needs it. */
export interface DispenseRecord {
  at: string;
  by: string;
  patientRef: string | null;
  prescriptionId: string | null;
}

/** An undo of a dispense is accepted within 10 days, by the user who dispensed (EU rule). */
export const UNDO_WINDOW_DAYS = 10;

const refuse = (code: ErrorCode, detail: string): UnitRefusal => ({ ok: false, code, detail });
const given = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim().length > 0 ? value : undefined;
const nameOf = (unit: UnitSnapshot) => `${unit.gtin}/${unit.serial}`;

export function lastDispenseOf(unit: UnitSnapshot): DispenseRecord | null {
  if (unit.dispensedAt === null || unit.dispensedBy === null) return null;
  return {
    at: unit.dispensedAt,
    by: unit.dispensedBy,
    patientRef: unit.patientRef,
    prescriptionId: unit.prescriptionId,
  };
}

/**
 * EU rule for undoing a dispense: only by the user who dispensed, and at most exactly
 * `UNDO_WINDOW_DAYS` × 24 h after it (inclusive). An unreadable time is outside the window.
 */
export function checkUndoDispense(
  dispense: Pick<DispenseRecord, 'at' | 'by'>,
  undo: { at: string; by: string },
): RuleRefusal | null {
  if (dispense.by !== undo.by) {
    return {
      code: 'UNDO_BY_DIFFERENT_USER',
      detail: 'Only the user who dispensed may undo the dispense',
    };
  }
  const elapsed = Date.parse(undo.at) - Date.parse(dispense.at);
  if (!(elapsed <= UNDO_WINDOW_DAYS * DAY_MS)) {
    return {
      code: 'UNDO_WINDOW_EXCEEDED',
      detail: `A dispense can be undone within ${UNDO_WINDOW_DAYS} days only (dispensed ${dispense.at})`,
    };
  }
  return null;
}

type UnitCheck = (unit: UnitSnapshot, event: UnitEvent, rule: ActionRule) => UnitRefusal | null;

/**
 * The checks on a known pack, in the order they run: a person sees one code, so it must be
 * the same every time and the most useful one. Identity first (the scan may be another
 * pack), then finality, recall, hold and expiry (why the pack cannot be used, whoever asks),
 * then custody, then the transition table, then the action's own rules. Before all of these:
 * an unreadable event time (VALIDATION_FAILED), an announce of a known pack
 * (DUPLICATE_CODE_USE) and an unknown pack (UNKNOWN_SERIAL, or PARENT_CONTAINS_UNKNOWN_CHILD
 * when packing).
 */
export const UNIT_CHECKS: readonly { name: string; codes: readonly ErrorCode[]; run: UnitCheck }[] =
  [
    { name: 'identity', codes: ['LOT_MISMATCH', 'EXPIRY_MISMATCH'], run: checkIdentity },
    {
      name: 'finality',
      codes: ['ALREADY_DESTROYED', 'ALREADY_DISPENSED', 'INVALID_STATE_TRANSITION'],
      run: checkFinality,
    },
    { name: 'recall', codes: ['BATCH_RECALL_IRREVERSIBLE', 'RECALLED'], run: checkRecall },
    { name: 'hold', codes: ['ON_HOLD'], run: checkHold },
    { name: 'expiry', codes: ['EXPIRED'], run: checkExpiry },
    { name: 'custody', codes: ['WRONG_CUSTODIAN'], run: checkCustody },
    { name: 'transition', codes: ['INVALID_STATE_TRANSITION'], run: checkTransitionTable },
    {
      name: 'action rules',
      codes: [
        'VALIDATION_FAILED',
        'CUSTOMS_NOT_RELEASED',
        'INVALID_STATE_TRANSITION',
        'UNDO_BY_DIFFERENT_USER',
        'UNDO_WINDOW_EXCEEDED',
        'WRONG_CUSTODIAN',
        'CHILD_ALREADY_AGGREGATED',
      ],
      run: checkActionRules,
    },
  ];

/** Decides one action on one pack (`unit` undefined: the ledger does not know it). */
export function applyUnitAction(unit: UnitSnapshot | undefined, event: UnitEvent): Transition {
  const rule = ACTION_RULES[event.action];
  if (utcDateOf(event.eventTime) === null) {
    return refuse('VALIDATION_FAILED', `eventTime ${event.eventTime} is not a time`);
  }
  if (rule.from === 'NONE') {
    if (unit)
      return refuse('DUPLICATE_CODE_USE', `${nameOf(unit)} is already known (${unit.state})`);
    return announce(event);
  }
  if (!unit) {
    return event.action === 'PACK'
      ? refuse('PARENT_CONTAINS_UNKNOWN_CHILD', 'The case names a pack the ledger does not know')
      : refuse('UNKNOWN_SERIAL', 'No such serial for this product in the ledger');
  }
  for (const check of UNIT_CHECKS) {
    const refusal = check.run(unit, event, rule);
    if (refusal) return refusal;
  }
  return { ok: true, next: nextSnapshot(unit, event, rule) };
}

function checkIdentity(unit: UnitSnapshot, event: UnitEvent): UnitRefusal | null {
  const lot = given(event.scanned?.lot);
  if (lot !== undefined && lot !== unit.lot) {
    return refuse('LOT_MISMATCH', `The scan says lot ${lot}; the pack belongs to lot ${unit.lot}`);
  }
  const expiry = given(event.scanned?.expiry);
  if (expiry !== undefined && !sameExpiryMonth(expiry, unit.expiry)) {
    return refuse(
      'EXPIRY_MISMATCH',
      `The scan says expiry ${expiry}; the pack expires ${unit.expiry}`,
    );
  }
  return null;
}

function checkFinality(unit: UnitSnapshot, event: UnitEvent): UnitRefusal | null {
  if (unit.state === 'DESTROYED')
    return refuse('ALREADY_DESTROYED', `${nameOf(unit)} was destroyed`);
  if (
    (event.action === 'DISPENSE' || event.action === 'TAKE_OUT') &&
    USED_UP_STATES.includes(unit.state)
  ) {
    return refuse(
      'ALREADY_DISPENSED',
      `${nameOf(unit)} was already ${unit.state.toLowerCase().replace('_', ' ')}`,
    );
  }
  if (isTerminal(unit.state)) {
    return refuse(
      'INVALID_STATE_TRANSITION',
      `${nameOf(unit)} is ${unit.state}: nothing may follow`,
    );
  }
  return null;
}

function checkRecall(unit: UnitSnapshot, event: UnitEvent, rule: ActionRule): UnitRefusal | null {
  if (unit.state !== 'RECALLED') return null;
  if (rule.releasesToUse) {
    return refuse('BATCH_RECALL_IRREVERSIBLE', 'A recalled pack cannot be released back into use');
  }
  if (rule.towardsUse || event.action === 'RECALL') {
    return refuse('RECALLED', `${nameOf(unit)} is recalled`);
  }
  return null;
}

function checkHold(unit: UnitSnapshot, event: UnitEvent, rule: ActionRule): UnitRefusal | null {
  if (unit.state !== 'QUARANTINED') return null;
  if (rule.towardsUse || event.action === 'HOLD') {
    // The reason is the holder's own words: another organisation learns only that it is held.
    const reason = unit.holdReason && event.actor.org === unit.custodianOrg;
    return refuse('ON_HOLD', `${nameOf(unit)} is on hold${reason ? `: ${unit.holdReason}` : ''}`);
  }
  return null;
}

function checkExpiry(unit: UnitSnapshot, event: UnitEvent, rule: ActionRule): UnitRefusal | null {
  const expired = unit.state === 'EXPIRED' || isExpiredOn(unit.expiry, event.eventTime);
  if ((rule.towardsUse && expired) || (event.action === 'EXPIRE' && unit.state === 'EXPIRED')) {
    return refuse('EXPIRED', `${nameOf(unit)} expired on ${unit.expiry}`);
  }
  return null;
}

function checkCustody(unit: UnitSnapshot, event: UnitEvent, rule: ActionRule): UnitRefusal | null {
  const org = event.actor.org;
  if (rule.actor === 'custodian' && org !== unit.custodianOrg) {
    const oversees = event.actor.roles.some((r) =>
      (rule.oversightRoles as readonly string[]).includes(r),
    );
    if (!oversees) {
      // The refusal reaches the caller: it names no other organisation (the ledger entry
      // and the pack's custody say whose it is, for oversight).
      return refuse('WRONG_CUSTODIAN', `The pack is not in the custody of ${org}`);
    }
  }
  if (rule.actor === 'destination' && unit.destinationOrg !== null && org !== unit.destinationOrg) {
    return refuse('WRONG_CUSTODIAN', `The pack was not shipped to ${org}`);
  }
  return null;
}

function checkTransitionTable(
  unit: UnitSnapshot,
  event: UnitEvent,
  rule: ActionRule,
): UnitRefusal | null {
  if (rule.from !== 'NONE' && rule.from.includes(unit.state)) return null;
  return refuse(
    'INVALID_STATE_TRANSITION',
    `${event.action} is not possible for a pack in state ${unit.state}`,
  );
}

/** States a shipment can have started from: where a void shipment returns to. */
const SHIPPED_FROM: readonly UnitState[] = [
  ...(ACTION_RULES.SHIP.from as readonly UnitState[]),
  ...(ACTION_RULES.TRANSFER_SHIP.from as readonly UnitState[]),
];

function checkActionRules(
  unit: UnitSnapshot,
  event: UnitEvent,
  rule: ActionRule,
): UnitRefusal | null {
  const context = event.context ?? {};
  if (rule.custody === 'CONSIGN') {
    const destination = given(context.destinationOrg);
    if (destination === undefined)
      return refuse('VALIDATION_FAILED', `${event.action} needs a destination`);
    if (destination === event.actor.org) {
      return refuse('VALIDATION_FAILED', 'A pack cannot be shipped to its own custodian');
    }
  }
  switch (event.action) {
    case 'SHIP':
      if (context.customsReleased === false) {
        return refuse('CUSTOMS_NOT_RELEASED', 'Customs has not released the declaration');
      }
      return null;
    case 'TRANSFER_RECEIVE':
      if (unit.previousState !== 'HOSPITAL_STOCK') {
        return refuse(
          'INVALID_STATE_TRANSITION',
          'Not a transfer between institutions: receive it as a shipment from the warehouse',
        );
      }
      return null;
    case 'RETURN_RECEIVE':
      if (unit.destinationOrg === null) {
        return refuse('INVALID_STATE_TRANSITION', 'The pack is not on its way back to anyone');
      }
      return null;
    case 'DISPENSE':
    case 'TAKE_OUT':
      if (
        given(context.patientRef) === undefined ||
        given(event.refs?.prescriptionId) === undefined
      ) {
        return refuse(
          'VALIDATION_FAILED',
          `${event.action} needs the patient and the prescription`,
        );
      }
      return null;
    case 'UNDO_DISPENSE': {
      const dispense = lastDispenseOf(unit);
      if (!dispense) return refuse('INVALID_STATE_TRANSITION', 'No dispense is recorded to undo');
      const refusal = checkUndoDispense(dispense, { at: event.eventTime, by: event.actor.sub });
      return refusal ? refuse(refusal.code, refusal.detail) : null;
    }
    case 'ADMINISTER': {
      const patient = given(context.patientRef);
      if (patient === undefined) return refuse('VALIDATION_FAILED', 'ADMINISTER needs the patient');
      if (patient !== unit.patientRef) {
        return refuse('WRONG_CUSTODIAN', 'The pack was dispensed to another patient');
      }
      return null;
    }
    case 'EXPIRE':
      if (!isExpiredOn(unit.expiry, event.eventTime)) {
        return refuse('INVALID_STATE_TRANSITION', `${nameOf(unit)} is usable until ${unit.expiry}`);
      }
      return null;
    case 'RELEASE_HOLD':
      if (!canResumeTo(unit.previousState)) {
        return refuse(
          'INVALID_STATE_TRANSITION',
          'The state before the hold is not known: the pack can only be disposed of',
        );
      }
      return null;
    case 'VOID_SHIPMENT':
      if (unit.previousState === null || !SHIPPED_FROM.includes(unit.previousState)) {
        return refuse('INVALID_STATE_TRANSITION', 'The state before the shipment is not known');
      }
      return null;
    case 'PACK':
      if (given(context.parent) === undefined)
        return refuse('VALIDATION_FAILED', 'PACK needs a parent');
      if (unit.parent !== null) {
        return refuse('CHILD_ALREADY_AGGREGATED', `${nameOf(unit)} is already in ${unit.parent}`);
      }
      return null;
    case 'UNPACK': {
      const parent = given(context.parent);
      if (unit.parent === null || (parent !== undefined && parent !== unit.parent)) {
        return refuse(
          'INVALID_STATE_TRANSITION',
          `${nameOf(unit)} is not in ${parent ?? 'a case or pallet'}`,
        );
      }
      return null;
    }
    default:
      return null;
  }
}

/** A hold can return only to a live state other than itself. */
function canResumeTo(state: UnitState | null): state is UnitState {
  return state !== null && state !== 'QUARANTINED' && !isTerminal(state);
}

function announce(event: UnitEvent): Transition {
  const lot = given(event.scanned?.lot);
  const expiry = given(event.scanned?.expiry);
  if (lot === undefined || expiry === undefined) {
    return refuse('UNKNOWN_LOT', 'an announced pack needs its lot and expiry');
  }
  if (!isIsoDate(expiry)) return refuse('VALIDATION_FAILED', `expiry ${expiry} is not a date`);
  return {
    ok: true,
    next: {
      gtin: event.scanned?.gtin ?? '',
      serial: event.scanned?.serial ?? '',
      lot,
      expiry,
      state: 'ANNOUNCED',
      previousState: null,
      custodianOrg: event.actor.org,
      locationCode: given(event.context?.locationCode) ?? null,
      parent: given(event.context?.parent) ?? null,
      holdReason: null,
      declarationNo: given(event.refs?.declarationNo) ?? null,
      approvalNo: given(event.refs?.approvalNo) ?? null,
      shipmentId: null,
      destinationOrg: null,
      patientRef: null,
      prescriptionId: null,
      dispensedAt: null,
      dispensedBy: null,
    },
  };
}

const DEFAULT_HOLD_REASONS: Partial<Record<UnitAction, string>> = {
  HOLD: 'held',
  INSPECT_NON_CONFORMANT: 'non-conformant at inspection',
  RECEIVE_HOSPITAL_MISMATCH: 'received without matching shipment data',
  FIND: 'found after being reported missing',
};

/** The next projection row. Custody follows `rule.custody`; see CustodyEffect. */
function nextSnapshot(unit: UnitSnapshot, event: UnitEvent, rule: ActionRule): UnitSnapshot {
  const context = event.context ?? {};
  const next = copySnapshot(unit);
  if (rule.to === 'PREVIOUS') {
    // Checked by checkActionRules: previousState is a state to return to.
    next.state = unit.previousState as UnitState;
    next.previousState = null;
  } else if (rule.to !== null) {
    next.state = rule.to;
    next.previousState = unit.state;
  }
  if (next.state === 'QUARANTINED' && unit.state !== 'QUARANTINED') {
    next.previousState =
      rule.resumesTo ??
      (event.action === 'FIND'
        ? canResumeTo(unit.previousState)
          ? unit.previousState
          : null
        : unit.state);
    next.holdReason = given(context.reason) ?? DEFAULT_HOLD_REASONS[event.action] ?? 'held';
  } else if (next.state !== 'QUARANTINED') {
    next.holdReason = null;
  }
  next.locationCode = given(context.locationCode) ?? unit.locationCode;
  next.declarationNo = given(event.refs?.declarationNo) ?? unit.declarationNo;
  next.approvalNo = given(event.refs?.approvalNo) ?? unit.approvalNo;
  switch (rule.custody) {
    case 'TAKE':
      next.custodianOrg = event.actor.org;
      next.destinationOrg = null;
      // The shipper's shelf is not where the receiver keeps it.
      next.locationCode = given(context.locationCode) ?? null;
      break;
    case 'CONSIGN':
      next.destinationOrg = given(context.destinationOrg) ?? null;
      next.shipmentId = given(event.refs?.shipmentId) ?? null;
      break;
    case 'CANCEL_CONSIGNMENT':
      next.destinationOrg = null;
      next.shipmentId = null;
      break;
    case 'KEEP':
      break;
  }
  if (event.action === 'DISPENSE' || event.action === 'TAKE_OUT') {
    next.patientRef = given(context.patientRef) ?? null;
    next.prescriptionId = given(event.refs?.prescriptionId) ?? null;
    next.dispensedAt = event.eventTime;
    next.dispensedBy = event.actor.sub;
  } else if (event.action === 'UNDO_DISPENSE') {
    next.patientRef = null;
    next.prescriptionId = null;
    next.dispensedAt = null;
    next.dispensedBy = null;
  }
  if (event.action === 'PACK') next.parent = given(context.parent) ?? null;
  if (event.action === 'UNPACK' || rule.leavesAggregation) next.parent = null;
  return next;
}

/**
 * The unit state machine: the transition table (`rules`) and the decision function. The
 * sequencer calls `apply` (or `applyUnitAction` with a whole event) for every pack an event
 * names, in ledger order, and stores `next` as the pack's projection row.
 */
export const UnitStateMachine = {
  rules: ACTION_RULES,
  apply(unit: UnitSnapshot | undefined, action: UnitAction, input: UnitActionInput): Transition {
    return applyUnitAction(unit, { ...input, action });
  },
  applyEvent: applyUnitAction,
  actionsFrom,
};
