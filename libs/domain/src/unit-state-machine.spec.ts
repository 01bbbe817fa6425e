import { ErrorCode } from './error-codes';
import { ACTION_RULES, UNIT_ACTIONS, UnitAction } from './unit-actions';
import { UNIT_STATES, UnitState } from './unit-state';
import {
  applyUnitAction,
  checkUndoDispense,
  lastDispenseOf,
  Transition,
  UNIT_CHECKS,
  UnitEvent,
  UnitSnapshot,
  UnitStateMachine,
} from './unit-state-machine';

/**
 * The transition table written out by hand, independently of ACTION_RULES, so that a wrong
 * edit of the rules table fails here. 'SAME' keeps the state; 'PREVIOUS' returns to the one
 * remembered.
 */
const HAND_TABLE: Record<
  UnitAction,
  { from: UnitState[] | 'NONE'; to: UnitState | 'SAME' | 'PREVIOUS' }
> = {
  ANNOUNCE: { from: 'NONE', to: 'ANNOUNCED' },
  ARRIVE: { from: ['ANNOUNCED'], to: 'AT_PORT' },
  RECEIVE_BONDED: { from: ['AT_PORT'], to: 'BONDED_PENDING' },
  INSPECT_CONFORMANT: { from: ['BONDED_PENDING'], to: 'BONDED_STOCK' },
  INSPECT_NON_CONFORMANT: { from: ['BONDED_PENDING', 'BONDED_STOCK'], to: 'QUARANTINED' },
  SAMPLE: { from: ['AT_PORT', 'BONDED_PENDING', 'BONDED_STOCK', 'QUARANTINED'], to: 'SAMPLED' },
  STORE: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'SAME',
  },
  COUNT: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'SAME',
  },
  RESERVE: { from: ['BONDED_STOCK'], to: 'RESERVED' },
  UNRESERVE: { from: ['RESERVED'], to: 'BONDED_STOCK' },
  SHIP: { from: ['BONDED_STOCK', 'RESERVED'], to: 'IN_TRANSIT' },
  RECEIVE_HOSPITAL: { from: ['IN_TRANSIT'], to: 'HOSPITAL_STOCK' },
  RECEIVE_HOSPITAL_MISMATCH: { from: ['IN_TRANSIT'], to: 'QUARANTINED' },
  TRANSFER_SHIP: { from: ['HOSPITAL_STOCK'], to: 'IN_TRANSIT' },
  TRANSFER_RECEIVE: { from: ['IN_TRANSIT'], to: 'HOSPITAL_STOCK' },
  DISPENSE: { from: ['HOSPITAL_STOCK'], to: 'DISPENSED' },
  UNDO_DISPENSE: { from: ['DISPENSED'], to: 'HOSPITAL_STOCK' },
  ADMINISTER: { from: ['DISPENSED'], to: 'ADMINISTERED' },
  TAKE_OUT: { from: ['HOSPITAL_STOCK'], to: 'TAKEN_OUT' },
  HOLD: {
    from: [
      'ANNOUNCED',
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'DISPENSED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'QUARANTINED',
  },
  RELEASE_HOLD: { from: ['QUARANTINED'], to: 'PREVIOUS' },
  RECALL: {
    from: [
      'ANNOUNCED',
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'IN_TRANSIT',
      'HOSPITAL_STOCK',
      'DISPENSED',
      'QUARANTINED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
      'LOST',
      'STOLEN',
    ],
    to: 'RECALLED',
  },
  RETURN_SHIP: {
    from: ['HOSPITAL_STOCK', 'DISPENSED', 'QUARANTINED', 'RECALLED', 'EXPIRED', 'DAMAGED'],
    to: 'RETURNED',
  },
  RETURN_RECEIVE: { from: ['RETURNED'], to: 'SAME' },
  EXPIRE: {
    from: [
      'ANNOUNCED',
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'DISPENSED',
    ],
    to: 'EXPIRED',
  },
  DAMAGE: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'IN_TRANSIT',
      'HOSPITAL_STOCK',
      'DISPENSED',
      'QUARANTINED',
      'EXPIRED',
      'RETURNED',
    ],
    to: 'DAMAGED',
  },
  LOSE: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'IN_TRANSIT',
      'HOSPITAL_STOCK',
      'DISPENSED',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'LOST',
  },
  STEAL: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'IN_TRANSIT',
      'HOSPITAL_STOCK',
      'DISPENSED',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
      'LOST',
    ],
    to: 'STOLEN',
  },
  FIND: { from: ['LOST', 'STOLEN'], to: 'QUARANTINED' },
  DESTROY: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
      'DISPENSED',
    ],
    to: 'DESTROYED',
  },
  RE_EXPORT: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'RE_EXPORTED',
  },
  VOID_SHIPMENT: { from: ['IN_TRANSIT'], to: 'PREVIOUS' },
  APPLY_CN_CODE: {
    from: [
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'SAME',
  },
  PACK: {
    from: [
      'ANNOUNCED',
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'SAME',
  },
  UNPACK: {
    from: [
      'ANNOUNCED',
      'AT_PORT',
      'BONDED_PENDING',
      'BONDED_STOCK',
      'RESERVED',
      'HOSPITAL_STOCK',
      'QUARANTINED',
      'RECALLED',
      'EXPIRED',
      'DAMAGED',
      'RETURNED',
    ],
    to: 'SAME',
  },
};

/** Actions that move a pack towards a patient (blocked by recall, hold and expiry). */
const HAND_TOWARDS_USE: UnitAction[] = [
  'INSPECT_CONFORMANT',
  'RESERVE',
  'SHIP',
  'RECEIVE_HOSPITAL',
  'TRANSFER_SHIP',
  'TRANSFER_RECEIVE',
  'DISPENSE',
  'ADMINISTER',
  'TAKE_OUT',
];

const sorted = (states: readonly UnitState[]) => [...states].sort();

describe('ACTION_RULES agrees with the hand-written table', () => {
  it('names every action', () => {
    expect(Object.keys(HAND_TABLE).sort()).toEqual([...UNIT_ACTIONS].sort());
  });

  it.each(UNIT_ACTIONS)('%s: same from-states and to-state', (action) => {
    const rule = ACTION_RULES[action];
    const hand = HAND_TABLE[action];
    if (hand.from === 'NONE') expect(rule.from).toBe('NONE');
    else expect(rule.from === 'NONE' ? 'NONE' : sorted(rule.from)).toEqual(sorted(hand.from));
    expect(rule.to === null ? 'SAME' : rule.to).toBe(hand.to);
  });

  it('flags exactly the hand-listed actions as moving a pack towards use', () => {
    const flagged = UNIT_ACTIONS.filter((a) => ACTION_RULES[a].towardsUse);
    expect(flagged.sort()).toEqual([...HAND_TOWARDS_USE].sort());
  });
});

const NOW = '2026-06-01T10:00:00Z';
const SSCC = '106141411234567897';
const ME = { sub: 'alice', org: 'ORG', roles: ['pharmacist'] };

const unitIn = (state: UnitState, over: Partial<UnitSnapshot> = {}): UnitSnapshot => ({
  gtin: '09506000134352',
  serial: 'S1',
  lot: 'L1',
  expiry: '2028-12-31',
  state,
  previousState: 'BONDED_STOCK',
  custodianOrg: 'ORG',
  locationCode: 'LOC',
  parent: null,
  holdReason: null,
  declarationNo: 'D1',
  approvalNo: 'A1',
  shipmentId: null,
  destinationOrg: null,
  patientRef: 'P1',
  prescriptionId: 'RX1',
  dispensedAt: '2026-05-30T10:00:00Z',
  dispensedBy: 'alice',
  ...over,
});

const eventOf = (action: UnitAction, over: Partial<UnitEvent> = {}): UnitEvent => ({
  action,
  eventTime: NOW,
  actor: ME,
  refs: { prescriptionId: 'RX9', shipmentId: 'SH1' },
  context: { destinationOrg: 'HOSP', patientRef: 'P1', parent: SSCC, customsReleased: true },
  ...over,
});

/** The next snapshot, or a failed expectation naming the refusal. */
function accepted(result: Transition): UnitSnapshot {
  if (!result.ok) throw new Error(`refused ${result.code}: ${result.detail}`);
  return result.next;
}

/** A pack and an event that meet the action's own rules, so that only the state decides. */
function fixture(action: UnitAction, state: UnitState): [UnitSnapshot, UnitEvent] {
  const over: Partial<UnitSnapshot> = {};
  if (['RECEIVE_HOSPITAL', 'RECEIVE_HOSPITAL_MISMATCH', 'RETURN_RECEIVE'].includes(action)) {
    over.destinationOrg = 'ORG';
  }
  if (action === 'TRANSFER_RECEIVE')
    Object.assign(over, { destinationOrg: 'ORG', previousState: 'HOSPITAL_STOCK' });
  if (action === 'EXPIRE') over.expiry = '2026-05-31';
  if (action === 'RELEASE_HOLD') over.previousState = 'HOSPITAL_STOCK';
  if (action === 'VOID_SHIPMENT') over.previousState = 'RESERVED';
  if (action === 'UNPACK') over.parent = SSCC;
  return [unitIn(state, over), eventOf(action)];
}

const isAllowed = (action: UnitAction, state: UnitState) => {
  const from = HAND_TABLE[action].from;
  return from !== 'NONE' && from.includes(state);
};

/** The code a refused pair must give, by the documented precedence (README.md). */
function expectedRefusal(action: UnitAction, state: UnitState): ErrorCode {
  const towardsUse = HAND_TOWARDS_USE.includes(action);
  if (action === 'ANNOUNCE') return 'DUPLICATE_CODE_USE';
  if (state === 'DESTROYED') return 'ALREADY_DESTROYED';
  if (
    (action === 'DISPENSE' || action === 'TAKE_OUT') &&
    ['DISPENSED', 'ADMINISTERED', 'TAKEN_OUT'].includes(state)
  ) {
    return 'ALREADY_DISPENSED';
  }
  if (['ADMINISTERED', 'TAKEN_OUT', 'SAMPLED', 'RE_EXPORTED'].includes(state)) {
    return 'INVALID_STATE_TRANSITION';
  }
  if (state === 'RECALLED') {
    if (action === 'RELEASE_HOLD' || action === 'INSPECT_CONFORMANT') {
      return 'BATCH_RECALL_IRREVERSIBLE';
    }
    if (towardsUse || action === 'RECALL') return 'RECALLED';
  }
  if (state === 'QUARANTINED' && (towardsUse || action === 'HOLD')) return 'ON_HOLD';
  if (state === 'EXPIRED' && (towardsUse || action === 'EXPIRE')) return 'EXPIRED';
  return 'INVALID_STATE_TRANSITION';
}

const PAIRS = UNIT_ACTIONS.flatMap((a) =>
  UNIT_STATES.map((s) => [a, s] as [UnitAction, UnitState]),
);

describe('every allowed (action, state) pair of the hand-written table', () => {
  it.each(PAIRS.filter(([a, s]) => isAllowed(a, s)))('%s from %s', (action, state) => {
    const [unit, event] = fixture(action, state);
    const next = accepted(applyUnitAction(unit, event));
    const to = HAND_TABLE[action].to;
    const expected = to === 'SAME' ? state : to === 'PREVIOUS' ? unit.previousState : to;
    expect(next.state).toBe(expected);
  });
});

describe('every refused (action, state) pair, with its code', () => {
  it.each(PAIRS.filter(([a, s]) => !isAllowed(a, s)))('%s from %s', (action, state) => {
    const [unit, event] = fixture(action, state);
    expect(applyUnitAction(unit, event)).toMatchObject({
      ok: false,
      code: expectedRefusal(action, state),
    });
  });

  it('refuses more than 500 pairs, so the generator did run', () => {
    expect(PAIRS.filter(([a, s]) => !isAllowed(a, s)).length).toBeGreaterThan(500);
  });
});

describe('every transition generated from ACTION_RULES', () => {
  const fromRules = UNIT_ACTIONS.flatMap((a) => {
    const from = ACTION_RULES[a].from;
    return from === 'NONE' ? [] : from.map((s) => [a, s] as [UnitAction, UnitState]);
  });
  it.each(fromRules)('%s from %s is accepted', (action, state) => {
    const [unit, event] = fixture(action, state);
    expect(applyUnitAction(unit, event).ok).toBe(true);
  });
});

/** domain.md §3, row by row, with the action each row became. */
const DOMAIN_ROWS: [string, UnitAction, UnitState, UnitState][] = [
  ['arrive at port', 'ARRIVE', 'ANNOUNCED', 'AT_PORT'],
  ['receive into bonded warehouse', 'RECEIVE_BONDED', 'AT_PORT', 'BONDED_PENDING'],
  ['inspect: conformant', 'INSPECT_CONFORMANT', 'BONDED_PENDING', 'BONDED_STOCK'],
  ['inspect: non-conformant', 'INSPECT_NON_CONFORMANT', 'BONDED_PENDING', 'QUARANTINED'],
  ['sample', 'SAMPLE', 'BONDED_STOCK', 'SAMPLED'],
  ['reserve for approval', 'RESERVE', 'BONDED_STOCK', 'RESERVED'],
  ['ship to hospital', 'SHIP', 'RESERVED', 'IN_TRANSIT'],
  ['ship to hospital', 'SHIP', 'BONDED_STOCK', 'IN_TRANSIT'],
  ['receive at hospital', 'RECEIVE_HOSPITAL', 'IN_TRANSIT', 'HOSPITAL_STOCK'],
  ['receive at hospital: mismatch', 'RECEIVE_HOSPITAL_MISMATCH', 'IN_TRANSIT', 'QUARANTINED'],
  ['dispense', 'DISPENSE', 'HOSPITAL_STOCK', 'DISPENSED'],
  ['administer', 'ADMINISTER', 'DISPENSED', 'ADMINISTERED'],
  ['take-out', 'TAKE_OUT', 'HOSPITAL_STOCK', 'TAKEN_OUT'],
  ['hold', 'HOLD', 'HOSPITAL_STOCK', 'QUARANTINED'],
  ['release hold', 'RELEASE_HOLD', 'QUARANTINED', 'HOSPITAL_STOCK'],
  ['recall', 'RECALL', 'HOSPITAL_STOCK', 'RECALLED'],
  ['recall', 'RECALL', 'IN_TRANSIT', 'RECALLED'],
  ['return', 'RETURN_SHIP', 'HOSPITAL_STOCK', 'RETURNED'],
  ['transfer: ship', 'TRANSFER_SHIP', 'HOSPITAL_STOCK', 'IN_TRANSIT'],
  ['transfer: receive', 'TRANSFER_RECEIVE', 'IN_TRANSIT', 'HOSPITAL_STOCK'],
  ['expire', 'EXPIRE', 'BONDED_STOCK', 'EXPIRED'],
  ['damage', 'DAMAGE', 'HOSPITAL_STOCK', 'DAMAGED'],
  ['loss', 'LOSE', 'IN_TRANSIT', 'LOST'],
  ['theft', 'STEAL', 'BONDED_STOCK', 'STOLEN'],
  ['destroy', 'DESTROY', 'RECALLED', 'DESTROYED'],
  ['destroy', 'DESTROY', 'EXPIRED', 'DESTROYED'],
  ['re-export', 'RE_EXPORT', 'BONDED_STOCK', 'RE_EXPORTED'],
  ['void shipment', 'VOID_SHIPMENT', 'IN_TRANSIT', 'RESERVED'],
  ['correction: undo dispense', 'UNDO_DISPENSE', 'DISPENSED', 'HOSPITAL_STOCK'],
];

describe('domain.md §3, row by row', () => {
  it.each(DOMAIN_ROWS)('%s: %s %s → %s', (_row, action, from, to) => {
    const [unit, event] = fixture(action, from);
    expect(accepted(applyUnitAction(unit, event)).state).toBe(to);
  });

  it('announces a new pack into the custody of the announcing organisation', () => {
    const next = accepted(
      UnitStateMachine.apply(undefined, 'ANNOUNCE', {
        eventTime: NOW,
        actor: { sub: 'imp', org: 'IMP', roles: ['importer'] },
        scanned: { gtin: '09506000134352', serial: 'S9', lot: 'L9', expiry: '2027-01-31' },
        refs: { declarationNo: 'D9' },
        context: { parent: SSCC, locationCode: 'PORT' },
      }),
    );
    expect(next).toEqual({
      gtin: '09506000134352',
      serial: 'S9',
      lot: 'L9',
      expiry: '2027-01-31',
      state: 'ANNOUNCED',
      previousState: null,
      custodianOrg: 'IMP',
      locationCode: 'PORT',
      parent: SSCC,
      holdReason: null,
      declarationNo: 'D9',
      approvalNo: null,
      shipmentId: null,
      destinationOrg: null,
      patientRef: null,
      prescriptionId: null,
      dispensedAt: null,
      dispensedBy: null,
    });
  });

  it('an announce needs a lot and a real expiry date', () => {
    const announce = (scanned: UnitEvent['scanned']) =>
      applyUnitAction(undefined, eventOf('ANNOUNCE', { scanned }));
    expect(announce({ expiry: '2027-01-31' })).toMatchObject({ code: 'UNKNOWN_LOT' });
    expect(announce({ lot: 'L1' })).toMatchObject({ code: 'UNKNOWN_LOT' });
    expect(announce({ lot: 'L1', expiry: '2027-02-30' })).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('walks one pack from announcement to administration', () => {
    const importer = { sub: 'imp', org: 'IMP', roles: ['importer'] };
    const warehouse = { sub: 'wh', org: 'BW', roles: ['warehouse_operator'] };
    const hospital = { sub: 'ph', org: 'HOSP', roles: ['pharmacist'] };
    const steps: [UnitAction, UnitEvent['actor'], UnitState, string][] = [
      ['ARRIVE', importer, 'AT_PORT', 'IMP'],
      ['RECEIVE_BONDED', warehouse, 'BONDED_PENDING', 'BW'],
      ['INSPECT_CONFORMANT', warehouse, 'BONDED_STOCK', 'BW'],
      ['RESERVE', warehouse, 'RESERVED', 'BW'],
      ['SHIP', warehouse, 'IN_TRANSIT', 'BW'],
      ['RECEIVE_HOSPITAL', hospital, 'HOSPITAL_STOCK', 'HOSP'],
      ['DISPENSE', hospital, 'DISPENSED', 'HOSP'],
      ['ADMINISTER', hospital, 'ADMINISTERED', 'HOSP'],
    ];
    let unit = accepted(
      applyUnitAction(
        undefined,
        eventOf('ANNOUNCE', { actor: importer, scanned: { lot: 'L1', expiry: '2028-12-31' } }),
      ),
    );
    for (const [action, actor, state, custodian] of steps) {
      unit = accepted(applyUnitAction(unit, eventOf(action, { actor })));
      expect([action, unit.state, unit.custodianOrg]).toEqual([action, state, custodian]);
    }
    expect(unit).toMatchObject({ patientRef: 'P1', prescriptionId: 'RX9', dispensedBy: 'ph' });
  });
});

describe('precedence when several checks fail', () => {
  const stranger = { sub: 'eve', org: 'OTHER', roles: ['pharmacist'] };
  const as = (action: UnitAction) => eventOf(action, { actor: stranger });

  it('runs the checks in the documented order', () => {
    expect(UNIT_CHECKS.map((c) => c.name)).toEqual([
      'identity',
      'finality',
      'recall',
      'hold',
      'expiry',
      'custody',
      'transition',
      'action rules',
    ]);
  });

  it('unknown pack first: UNKNOWN_SERIAL, or PARENT_CONTAINS_UNKNOWN_CHILD when packing', () => {
    expect(applyUnitAction(undefined, as('DISPENSE'))).toMatchObject({ code: 'UNKNOWN_SERIAL' });
    expect(applyUnitAction(undefined, as('PACK'))).toMatchObject({
      code: 'PARENT_CONTAINS_UNKNOWN_CHILD',
    });
  });

  it('an unreadable event time before anything else', () => {
    expect(applyUnitAction(undefined, eventOf('DISPENSE', { eventTime: 'soon' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('identity before finality: a scan of another lot is not this destroyed pack', () => {
    const unit = unitIn('DESTROYED', { custodianOrg: 'X' });
    expect(applyUnitAction(unit, eventOf('DISPENSE', { scanned: { lot: 'L2' } }))).toMatchObject({
      code: 'LOT_MISMATCH',
    });
    expect(
      applyUnitAction(unit, eventOf('DISPENSE', { scanned: { expiry: '2028-11-30' } })),
    ).toMatchObject({ code: 'EXPIRY_MISMATCH' });
  });

  it('finality before recall, hold, expiry and custody', () => {
    expect(
      applyUnitAction(unitIn('DESTROYED', { expiry: '2020-01-01' }), as('DISPENSE')),
    ).toMatchObject({ code: 'ALREADY_DESTROYED' });
    expect(
      applyUnitAction(unitIn('ADMINISTERED', { expiry: '2020-01-01' }), as('DISPENSE')),
    ).toMatchObject({ code: 'ALREADY_DISPENSED' });
  });

  it('recall before hold before expiry before custody before the table', () => {
    const old = { expiry: '2020-01-01' };
    expect(applyUnitAction(unitIn('RECALLED', old), as('DISPENSE'))).toMatchObject({
      code: 'RECALLED',
    });
    expect(applyUnitAction(unitIn('QUARANTINED', old), as('DISPENSE'))).toMatchObject({
      code: 'ON_HOLD',
    });
    expect(applyUnitAction(unitIn('BONDED_STOCK', old), as('DISPENSE'))).toMatchObject({
      code: 'EXPIRED',
    });
    expect(applyUnitAction(unitIn('BONDED_STOCK'), as('DISPENSE'))).toMatchObject({
      code: 'WRONG_CUSTODIAN',
    });
    expect(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('DISPENSE'))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('the table before the action rules', () => {
    const noPatient = eventOf('DISPENSE', { context: {} });
    expect(applyUnitAction(unitIn('BONDED_STOCK'), noPatient)).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(applyUnitAction(unitIn('HOSPITAL_STOCK'), noPatient)).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('holds remember where the pack was', () => {
  it.each(HAND_TABLE.HOLD.from as UnitState[])(
    'HOLD from %s, then RELEASE_HOLD returns to it',
    (state) => {
      const held = accepted(
        applyUnitAction(
          unitIn(state, { previousState: null }),
          eventOf('HOLD', { context: { reason: 'excursion' } }),
        ),
      );
      expect(held).toMatchObject({
        state: 'QUARANTINED',
        previousState: state,
        holdReason: 'excursion',
      });
      const released = accepted(applyUnitAction(held, eventOf('RELEASE_HOLD')));
      expect(released).toMatchObject({ state, previousState: null, holdReason: null });
    },
  );

  it('keeps the memory through storing, counting, labelling and packing', () => {
    let unit = accepted(applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf('HOLD')));
    for (const action of ['STORE', 'COUNT', 'APPLY_CN_CODE', 'PACK', 'UNPACK'] as UnitAction[]) {
      unit = accepted(applyUnitAction(unit, eventOf(action)));
      expect(unit).toMatchObject({ state: 'QUARANTINED', previousState: 'HOSPITAL_STOCK' });
    }
    expect(accepted(applyUnitAction(unit, eventOf('RELEASE_HOLD'))).state).toBe('HOSPITAL_STOCK');
  });

  it('a second hold is ON_HOLD and does not overwrite the memory', () => {
    const held = accepted(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('HOLD')));
    expect(applyUnitAction(held, eventOf('HOLD'))).toMatchObject({ code: 'ON_HOLD' });
  });

  it('non-conformant inspection and receipt mismatches release into stock', () => {
    const pending = accepted(
      applyUnitAction(unitIn('BONDED_PENDING'), eventOf('INSPECT_NON_CONFORMANT')),
    );
    expect(pending).toMatchObject({
      previousState: 'BONDED_STOCK',
      holdReason: 'non-conformant at inspection',
    });
    expect(accepted(applyUnitAction(pending, eventOf('RELEASE_HOLD'))).state).toBe('BONDED_STOCK');

    const hospital = { sub: 'ph', org: 'HOSP', roles: ['pharmacist'] };
    const inTransit = unitIn('IN_TRANSIT', {
      custodianOrg: 'BW',
      destinationOrg: 'HOSP',
      previousState: 'RESERVED',
    });
    const mismatch = accepted(
      applyUnitAction(inTransit, eventOf('RECEIVE_HOSPITAL_MISMATCH', { actor: hospital })),
    );
    expect(mismatch).toMatchObject({
      state: 'QUARANTINED',
      previousState: 'HOSPITAL_STOCK',
      custodianOrg: 'HOSP',
      destinationOrg: null,
    });
    const released = accepted(
      applyUnitAction(mismatch, eventOf('RELEASE_HOLD', { actor: hospital })),
    );
    expect(released).toMatchObject({ state: 'HOSPITAL_STOCK', custodianOrg: 'HOSP' });
  });

  it('a found pack is quarantined and released to where it was before it went missing', () => {
    const lost = accepted(applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf('LOSE')));
    const found = accepted(applyUnitAction(lost, eventOf('FIND')));
    expect(found).toMatchObject({ state: 'QUARANTINED', previousState: 'HOSPITAL_STOCK' });
    expect(accepted(applyUnitAction(found, eventOf('RELEASE_HOLD'))).state).toBe('HOSPITAL_STOCK');
  });

  it('a pack lost while held and found again can only be disposed of', () => {
    const held = accepted(applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf('HOLD')));
    const found = accepted(
      applyUnitAction(accepted(applyUnitAction(held, eventOf('LOSE'))), eventOf('FIND')),
    );
    expect(found).toMatchObject({ state: 'QUARANTINED', previousState: null });
    expect(applyUnitAction(found, eventOf('RELEASE_HOLD'))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(accepted(applyUnitAction(found, eventOf('DESTROY'))).state).toBe('DESTROYED');
  });

  it('a recall while held is final: releasing it is BATCH_RECALL_IRREVERSIBLE', () => {
    const held = accepted(applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf('HOLD')));
    const recalled = accepted(applyUnitAction(held, eventOf('RECALL')));
    expect(recalled).toMatchObject({ state: 'RECALLED', holdReason: null });
    expect(applyUnitAction(recalled, eventOf('RELEASE_HOLD'))).toMatchObject({
      code: 'BATCH_RECALL_IRREVERSIBLE',
    });
  });

  it('regulators may hold and release stock they do not hold, but not use it', () => {
    const regulator = { sub: 'r', org: 'REG', roles: ['regulator'] };
    const held = accepted(
      applyUnitAction(unitIn('BONDED_STOCK'), eventOf('HOLD', { actor: regulator })),
    );
    expect(held.custodianOrg).toBe('ORG');
    expect(
      accepted(applyUnitAction(held, eventOf('RELEASE_HOLD', { actor: regulator }))).state,
    ).toBe('BONDED_STOCK');
    expect(
      applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf('DISPENSE', { actor: regulator })),
    ).toMatchObject({
      code: 'WRONG_CUSTODIAN',
    });
  });

  it('customs may take samples from stock it does not hold', () => {
    const customs = { sub: 'c', org: 'CUSTOMS', roles: ['customs_officer'] };
    expect(
      accepted(applyUnitAction(unitIn('BONDED_PENDING'), eventOf('SAMPLE', { actor: customs })))
        .state,
    ).toBe('SAMPLED');
  });
});

describe('shipments, custody and void shipments', () => {
  const warehouse = { sub: 'wh', org: 'BW', roles: ['warehouse_operator'] };
  const hospital = { sub: 'ph', org: 'HOSP', roles: ['pharmacist'] };
  const other = { sub: 'eve', org: 'HOSP-2', roles: ['pharmacist'] };

  it.each([
    ['SHIP', 'BONDED_STOCK'],
    ['SHIP', 'RESERVED'],
    ['TRANSFER_SHIP', 'HOSPITAL_STOCK'],
  ] as [UnitAction, UnitState][])(
    '%s from %s keeps custody, and a void returns the pack',
    (action, from) => {
      const shipped = accepted(
        applyUnitAction(
          unitIn(from, { custodianOrg: 'BW', previousState: null }),
          eventOf(action, { actor: warehouse }),
        ),
      );
      expect(shipped).toMatchObject({
        state: 'IN_TRANSIT',
        previousState: from,
        custodianOrg: 'BW',
        destinationOrg: 'HOSP',
        shipmentId: 'SH1',
      });
      const voided = accepted(
        applyUnitAction(shipped, eventOf('VOID_SHIPMENT', { actor: warehouse })),
      );
      expect(voided).toMatchObject({
        state: from,
        previousState: null,
        custodianOrg: 'BW',
        destinationOrg: null,
        shipmentId: null,
      });
    },
  );

  it('only the shipper voids, and only before receipt', () => {
    const shipped = unitIn('IN_TRANSIT', {
      custodianOrg: 'BW',
      destinationOrg: 'HOSP',
      previousState: 'BONDED_STOCK',
    });
    expect(applyUnitAction(shipped, eventOf('VOID_SHIPMENT', { actor: hospital }))).toMatchObject({
      code: 'WRONG_CUSTODIAN',
    });
    const received = accepted(
      applyUnitAction(shipped, eventOf('RECEIVE_HOSPITAL', { actor: hospital })),
    );
    expect(applyUnitAction(received, eventOf('VOID_SHIPMENT', { actor: hospital }))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    const unknownOrigin = unitIn('IN_TRANSIT', {
      custodianOrg: 'BW',
      previousState: 'QUARANTINED',
    });
    expect(
      applyUnitAction(unknownOrigin, eventOf('VOID_SHIPMENT', { actor: warehouse })),
    ).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('custody passes at receipt, to the destination only', () => {
    const inTransit = unitIn('IN_TRANSIT', { destinationOrg: 'HOSP', custodianOrg: 'BW' });
    expect(
      applyUnitAction(inTransit, eventOf('RECEIVE_HOSPITAL', { actor: hospital })),
    ).toMatchObject({
      ok: true,
      next: { custodianOrg: 'HOSP', destinationOrg: null, state: 'HOSPITAL_STOCK' },
    });
    expect(applyUnitAction(inTransit, eventOf('RECEIVE_HOSPITAL', { actor: other }))).toMatchObject(
      {
        ok: false,
        code: 'WRONG_CUSTODIAN',
      },
    );
  });

  it('at receipt the pack leaves the shipper’s location: the receiver’s, or none named', () => {
    const inTransit = unitIn('IN_TRANSIT', {
      destinationOrg: 'HOSP',
      custodianOrg: 'BW',
      locationCode: 'BW-SHELF-1',
    });
    const receive = (context: UnitEvent['context']) =>
      accepted(
        applyUnitAction(inTransit, eventOf('RECEIVE_HOSPITAL', { actor: hospital, context })),
      );
    expect(receive({}).locationCode).toBeNull();
    expect(receive({ locationCode: 'HOSP-PHARMACY' }).locationCode).toBe('HOSP-PHARMACY');
  });

  it('transfers between institutions: ship from hospital stock, receive as a transfer', () => {
    const shipped = accepted(
      applyUnitAction(
        unitIn('HOSPITAL_STOCK', { custodianOrg: 'HOSP' }),
        eventOf('TRANSFER_SHIP', { actor: hospital, context: { destinationOrg: 'HOSP-2' } }),
      ),
    );
    const received = accepted(
      applyUnitAction(shipped, eventOf('TRANSFER_RECEIVE', { actor: other })),
    );
    expect(received).toMatchObject({ state: 'HOSPITAL_STOCK', custodianOrg: 'HOSP-2' });
    const fromWarehouse = unitIn('IN_TRANSIT', {
      custodianOrg: 'BW',
      destinationOrg: 'HOSP',
      previousState: 'RESERVED',
    });
    expect(
      applyUnitAction(fromWarehouse, eventOf('TRANSFER_RECEIVE', { actor: hospital })),
    ).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('returns: shipped back by the hospital, received by the warehouse', () => {
    const shipped = accepted(
      applyUnitAction(
        unitIn('RECALLED', { custodianOrg: 'HOSP' }),
        eventOf('RETURN_SHIP', { actor: hospital, context: { destinationOrg: 'BW' } }),
      ),
    );
    expect(shipped).toMatchObject({
      state: 'RETURNED',
      custodianOrg: 'HOSP',
      destinationOrg: 'BW',
    });
    expect(applyUnitAction(shipped, eventOf('RETURN_RECEIVE', { actor: other }))).toMatchObject({
      code: 'WRONG_CUSTODIAN',
    });
    const received = accepted(
      applyUnitAction(shipped, eventOf('RETURN_RECEIVE', { actor: warehouse })),
    );
    expect(received).toMatchObject({ state: 'RETURNED', custodianOrg: 'BW', destinationOrg: null });
    expect(
      applyUnitAction(received, eventOf('RETURN_RECEIVE', { actor: warehouse })),
    ).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(
      accepted(applyUnitAction(received, eventOf('DESTROY', { actor: warehouse }))).state,
    ).toBe('DESTROYED');
  });

  it('a shipment needs a destination other than the shipper, and customs release', () => {
    const stock = unitIn('BONDED_STOCK');
    expect(applyUnitAction(stock, eventOf('SHIP', { context: {} }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      applyUnitAction(stock, eventOf('SHIP', { context: { destinationOrg: 'ORG' } })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      applyUnitAction(
        stock,
        eventOf('SHIP', { context: { destinationOrg: 'HOSP', customsReleased: false } }),
      ),
    ).toMatchObject({ code: 'CUSTOMS_NOT_RELEASED' });
    expect(
      applyUnitAction(stock, eventOf('SHIP', { context: { destinationOrg: 'HOSP' } })).ok,
    ).toBe(true);
  });

  it('receipt of a pack shipped elsewhere after a recall in transit is RECALLED', () => {
    const recalled = accepted(
      applyUnitAction(
        unitIn('IN_TRANSIT', { custodianOrg: 'BW', destinationOrg: 'HOSP' }),
        eventOf('RECALL'),
      ),
    );
    expect(
      applyUnitAction(recalled, eventOf('RECEIVE_HOSPITAL', { actor: hospital })),
    ).toMatchObject({
      code: 'RECALLED',
    });
  });
});

describe('aggregation', () => {
  it('packs a pack into one case at a time', () => {
    const packed = accepted(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('PACK')));
    expect(packed.parent).toBe(SSCC);
    expect(applyUnitAction(packed, eventOf('PACK'))).toMatchObject({
      code: 'CHILD_ALREADY_AGGREGATED',
    });
    expect(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('PACK', { context: {} }))).toMatchObject(
      {
        code: 'VALIDATION_FAILED',
      },
    );
  });

  it('unpacks only from the case the pack is in', () => {
    const packed = unitIn('BONDED_STOCK', { parent: SSCC });
    expect(
      applyUnitAction(packed, eventOf('UNPACK', { context: { parent: '100000000000000000' } })),
    ).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(accepted(applyUnitAction(packed, eventOf('UNPACK', { context: {} }))).parent).toBeNull();
    expect(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('UNPACK'))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('children follow the parent through shipment, and leave it when used', () => {
    const packed = unitIn('BONDED_STOCK', { parent: SSCC });
    const shipped = accepted(applyUnitAction(packed, eventOf('SHIP')));
    expect(shipped.parent).toBe(SSCC);
    const dispensed = accepted(
      applyUnitAction(unitIn('HOSPITAL_STOCK', { parent: SSCC }), eventOf('DISPENSE')),
    );
    expect(dispensed.parent).toBeNull();
  });
});

describe('expiry', () => {
  it('a pack is usable on its expiry date (UTC), not the day after', () => {
    const unit = unitIn('HOSPITAL_STOCK', { expiry: '2026-06-01' });
    expect(
      applyUnitAction(unit, eventOf('DISPENSE', { eventTime: '2026-06-01T23:59:59Z' })).ok,
    ).toBe(true);
    expect(
      applyUnitAction(unit, eventOf('DISPENSE', { eventTime: '2026-06-02T00:00:00Z' })),
    ).toMatchObject({
      code: 'EXPIRED',
    });
    // 07:00 in Hainan on 2 June is still 1 June in UTC.
    expect(
      applyUnitAction(unit, eventOf('DISPENSE', { eventTime: '2026-06-02T07:00:00+08:00' })).ok,
    ).toBe(true);
  });

  it('disposal of an expired pack is not blocked by its expiry', () => {
    const unit = unitIn('HOSPITAL_STOCK', { expiry: '2026-01-01' });
    expect(applyUnitAction(unit, eventOf('DESTROY')).ok).toBe(true);
    expect(applyUnitAction(unit, eventOf('HOLD')).ok).toBe(true);
  });

  it('EXPIRE only after the expiry date, and only once', () => {
    const unit = unitIn('BONDED_STOCK', { expiry: '2026-06-01' });
    expect(applyUnitAction(unit, eventOf('EXPIRE'))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    const expired = accepted(
      applyUnitAction(unit, eventOf('EXPIRE', { eventTime: '2026-06-02T00:00:00Z' })),
    );
    expect(expired.state).toBe('EXPIRED');
    expect(applyUnitAction(expired, eventOf('EXPIRE'))).toMatchObject({ code: 'EXPIRED' });
  });

  it('compares a scanned expiry by year and month only', () => {
    const stock = unitIn('HOSPITAL_STOCK');
    expect(
      applyUnitAction(stock, eventOf('DISPENSE', { scanned: { expiry: '2028-12-00' } })).ok,
    ).toBe(true);
    expect(
      applyUnitAction(stock, eventOf('DISPENSE', { scanned: { expiry: '2028-12-01' } })).ok,
    ).toBe(true);
    expect(
      applyUnitAction(stock, eventOf('DISPENSE', { scanned: { expiry: '2029-12-31' } })),
    ).toMatchObject({
      code: 'EXPIRY_MISMATCH',
    });
  });

  it('an empty scanned lot or expiry means the scan did not say', () => {
    const stock = unitIn('HOSPITAL_STOCK');
    expect(
      applyUnitAction(stock, eventOf('DISPENSE', { scanned: { lot: '', expiry: '' } })).ok,
    ).toBe(true);
  });
});

describe('dispensing, undo and administration', () => {
  const bob = { sub: 'bob', org: 'ORG', roles: ['pharmacist'] };
  const dispensedAt = '2026-05-22T10:00:00Z';

  it('checkUndoDispense: exactly 10 days is inside the window, a millisecond more is not', () => {
    const dispense = { at: dispensedAt, by: 'alice' };
    expect(checkUndoDispense(dispense, { at: '2026-06-01T10:00:00Z', by: 'alice' })).toBeNull();
    expect(
      checkUndoDispense(dispense, { at: '2026-06-01T10:00:00.001Z', by: 'alice' }),
    ).toMatchObject({
      code: 'UNDO_WINDOW_EXCEEDED',
    });
    expect(checkUndoDispense(dispense, { at: dispensedAt, by: 'bob' })).toMatchObject({
      code: 'UNDO_BY_DIFFERENT_USER',
    });
    expect(checkUndoDispense(dispense, { at: 'later', by: 'alice' })).toMatchObject({
      code: 'UNDO_WINDOW_EXCEEDED',
    });
  });

  it('an undo returns the pack to stock and forgets the patient', () => {
    const unit = unitIn('DISPENSED', { dispensedAt });
    const undone = accepted(applyUnitAction(unit, eventOf('UNDO_DISPENSE')));
    expect(undone).toMatchObject({
      state: 'HOSPITAL_STOCK',
      patientRef: null,
      prescriptionId: null,
      dispensedAt: null,
      dispensedBy: null,
    });
    expect(
      applyUnitAction(unit, eventOf('UNDO_DISPENSE', { eventTime: '2026-06-01T10:00:01Z' })),
    ).toMatchObject({
      code: 'UNDO_WINDOW_EXCEEDED',
    });
    expect(applyUnitAction(unit, eventOf('UNDO_DISPENSE', { actor: bob }))).toMatchObject({
      code: 'UNDO_BY_DIFFERENT_USER',
    });
    const noRecord = unitIn('DISPENSED', { dispensedAt: null, dispensedBy: null });
    expect(applyUnitAction(noRecord, eventOf('UNDO_DISPENSE'))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('a dispense records the patient, prescription, time and user', () => {
    const next = accepted(
      applyUnitAction(unitIn('HOSPITAL_STOCK', { patientRef: null }), eventOf('DISPENSE')),
    );
    expect(lastDispenseOf(next)).toEqual({
      at: NOW,
      by: 'alice',
      patientRef: 'P1',
      prescriptionId: 'RX9',
    });
    expect(lastDispenseOf(unitIn('HOSPITAL_STOCK', { dispensedAt: null }))).toBeNull();
  });

  it('dispensing and take-out need a patient and a prescription', () => {
    for (const action of ['DISPENSE', 'TAKE_OUT'] as UnitAction[]) {
      expect(
        applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf(action, { refs: {} })),
      ).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect(
        applyUnitAction(unitIn('HOSPITAL_STOCK'), eventOf(action, { context: {} })),
      ).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('a second dispense, or a take-out of a used pack, is ALREADY_DISPENSED', () => {
    for (const state of ['DISPENSED', 'ADMINISTERED', 'TAKEN_OUT'] as UnitState[]) {
      expect(applyUnitAction(unitIn(state), eventOf('DISPENSE'))).toMatchObject({
        code: 'ALREADY_DISPENSED',
      });
      expect(applyUnitAction(unitIn(state), eventOf('TAKE_OUT'))).toMatchObject({
        code: 'ALREADY_DISPENSED',
      });
    }
  });

  it('administration only to the patient the pack was dispensed to', () => {
    expect(
      applyUnitAction(
        unitIn('DISPENSED'),
        eventOf('ADMINISTER', { context: { patientRef: 'P2' } }),
      ),
    ).toMatchObject({ code: 'WRONG_CUSTODIAN' });
    expect(
      applyUnitAction(unitIn('DISPENSED'), eventOf('ADMINISTER', { context: {} })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('UnitStateMachine facade', () => {
  it('apply(unit, action, input) equals applyUnitAction(unit, event)', () => {
    const unit = unitIn('HOSPITAL_STOCK');
    const { action: _action, ...input } = eventOf('DISPENSE');
    expect(UnitStateMachine.apply(unit, 'DISPENSE', input)).toEqual(
      applyUnitAction(unit, eventOf('DISPENSE')),
    );
    expect(UnitStateMachine.rules).toBe(ACTION_RULES);
    expect(UnitStateMachine.actionsFrom('RESERVED')).toContain('SHIP');
  });

  it('never changes the snapshot it was given', () => {
    const unit = unitIn('HOSPITAL_STOCK');
    const copy = { ...unit };
    applyUnitAction(unit, eventOf('DISPENSE'));
    expect(unit).toEqual(copy);
  });
});
