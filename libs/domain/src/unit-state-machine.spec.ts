import { ACTION_RULES, UNIT_ACTIONS, UnitAction } from './unit-actions';
import { isTerminal, UNIT_STATES, UnitState } from './unit-state';
import { applyUnitAction, UnitEvent, UnitSnapshot } from './unit-state-machine';

const NOW = '2026-06-01T10:00:00Z';
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
  destinationOrg: 'ORG',
  patientRef: 'P1',
  prescriptionId: 'RX1',
  dispensedAt: '2026-05-30T10:00:00Z',
  dispensedBy: 'alice',
  ...over,
});
const eventOf = (action: UnitAction, over: Partial<UnitEvent> = {}): UnitEvent => ({
  action,
  eventTime: NOW,
  actor: { sub: 'alice', org: 'ORG', roles: ['pharmacist'] },
  context: { destinationOrg: 'HOSP', patientRef: 'P1' },
  ...over,
});

/** domain.md §3, written out by hand (independent of the rules table). */
const DOMAIN_TABLE: [UnitAction, UnitState, UnitState][] = [
  ['ARRIVE', 'ANNOUNCED', 'AT_PORT'],
  ['RECEIVE_BONDED', 'AT_PORT', 'BONDED_PENDING'],
  ['INSPECT_CONFORMANT', 'BONDED_PENDING', 'BONDED_STOCK'],
  ['INSPECT_NON_CONFORMANT', 'BONDED_PENDING', 'QUARANTINED'],
  ['SAMPLE', 'BONDED_STOCK', 'SAMPLED'],
  ['RESERVE', 'BONDED_STOCK', 'RESERVED'],
  ['SHIP', 'BONDED_STOCK', 'IN_TRANSIT'],
  ['SHIP', 'RESERVED', 'IN_TRANSIT'],
  ['SHIP', 'HOSPITAL_STOCK', 'IN_TRANSIT'],
  ['RECEIVE_HOSPITAL', 'IN_TRANSIT', 'HOSPITAL_STOCK'],
  ['RECEIVE_HOSPITAL_MISMATCH', 'IN_TRANSIT', 'QUARANTINED'],
  ['DISPENSE', 'HOSPITAL_STOCK', 'DISPENSED'],
  ['UNDO_DISPENSE', 'DISPENSED', 'HOSPITAL_STOCK'],
  ['ADMINISTER', 'DISPENSED', 'ADMINISTERED'],
  ['TAKE_OUT', 'HOSPITAL_STOCK', 'TAKEN_OUT'],
  ['HOLD', 'HOSPITAL_STOCK', 'QUARANTINED'],
  ['RECALL', 'HOSPITAL_STOCK', 'RECALLED'],
  ['RECALL', 'BONDED_STOCK', 'RECALLED'],
  ['RETURN', 'HOSPITAL_STOCK', 'RETURNED'],
  ['EXPIRE', 'BONDED_STOCK', 'EXPIRED'],
  ['DAMAGE', 'HOSPITAL_STOCK', 'DAMAGED'],
  ['LOSE', 'IN_TRANSIT', 'LOST'],
  ['STEAL', 'BONDED_STOCK', 'STOLEN'],
  ['DESTROY', 'RECALLED', 'DESTROYED'],
  ['DESTROY', 'EXPIRED', 'DESTROYED'],
  ['RE_EXPORT', 'BONDED_STOCK', 'RE_EXPORTED'],
];

describe('UnitStateMachine: the transitions of domain.md §3', () => {
  it.each(DOMAIN_TABLE)('%s: %s → %s', (action, from, to) => {
    const result = applyUnitAction(unitIn(from), eventOf(action));
    expect(result).toMatchObject({ ok: true, next: { state: to } });
  });

  it('announces a new pack into the custody of the announcing organisation', () => {
    const result = applyUnitAction(
      undefined,
      eventOf('ANNOUNCE', { scanned: { lot: 'L9', expiry: '2027-01-31' } }),
    );
    expect(result).toMatchObject({
      ok: true,
      next: { state: 'ANNOUNCED', custodianOrg: 'ORG', lot: 'L9' },
    });
    expect(applyUnitAction(unitIn('ANNOUNCED'), eventOf('ANNOUNCE'))).toMatchObject({
      ok: false,
      code: 'DUPLICATE_CODE_USE',
    });
  });

  it('holds remember the previous state and release returns to it', () => {
    const held = applyUnitAction(
      unitIn('BONDED_STOCK'),
      eventOf('HOLD', { context: { reason: 'excursion' } }),
    );
    if (!held.ok) throw new Error(held.detail);
    expect(held.next).toMatchObject({
      state: 'QUARANTINED',
      previousState: 'BONDED_STOCK',
      holdReason: 'excursion',
    });
    const released = applyUnitAction(held.next, eventOf('RELEASE_HOLD'));
    expect(released).toMatchObject({ ok: true, next: { state: 'BONDED_STOCK', holdReason: null } });
  });

  it('a voided shipment returns the pack to where it was', () => {
    const shipped = applyUnitAction(
      unitIn('RESERVED'),
      eventOf('SHIP', { refs: { shipmentId: 'SH1' } }),
    );
    if (!shipped.ok) throw new Error(shipped.detail);
    expect(shipped.next).toMatchObject({
      destinationOrg: 'HOSP',
      shipmentId: 'SH1',
      custodianOrg: 'ORG',
    });
    expect(applyUnitAction(shipped.next, eventOf('VOID_SHIPMENT'))).toMatchObject({
      ok: true,
      next: { state: 'RESERVED', shipmentId: null },
    });
  });

  it('custody passes at receipt, to the destination only', () => {
    const inTransit = unitIn('IN_TRANSIT', { destinationOrg: 'HOSP', custodianOrg: 'BW' });
    const hospital = { sub: 'bob', org: 'HOSP', roles: ['pharmacist'] };
    expect(
      applyUnitAction(inTransit, eventOf('RECEIVE_HOSPITAL', { actor: hospital })),
    ).toMatchObject({
      ok: true,
      next: { custodianOrg: 'HOSP', destinationOrg: null },
    });
    const other = { sub: 'eve', org: 'HOSP-2', roles: ['pharmacist'] };
    expect(applyUnitAction(inTransit, eventOf('RECEIVE_HOSPITAL', { actor: other }))).toMatchObject(
      { ok: false, code: 'WRONG_CUSTODIAN' },
    );
  });
});

/** The code every refused (action, state) pair must give, by the documented precedence. */
function expectedRefusal(action: UnitAction, state: UnitState): string {
  const rule = ACTION_RULES[action];
  if (state === 'DESTROYED') return 'ALREADY_DESTROYED';
  if (
    (action === 'DISPENSE' || action === 'TAKE_OUT') &&
    ['DISPENSED', 'ADMINISTERED', 'TAKEN_OUT'].includes(state)
  ) {
    return 'ALREADY_DISPENSED';
  }
  if (isTerminal(state)) return 'INVALID_STATE_TRANSITION';
  if (state === 'RECALLED' && action === 'RELEASE_HOLD') return 'BATCH_RECALL_IRREVERSIBLE';
  if (state === 'RECALLED' && rule.towardsUse) return 'RECALLED';
  if (state === 'QUARANTINED' && rule.towardsUse) return 'ON_HOLD';
  if (state === 'EXPIRED' && rule.towardsUse) return 'EXPIRED';
  return 'INVALID_STATE_TRANSITION';
}

describe('UnitStateMachine: every (action, state) pair', () => {
  const pairs = UNIT_ACTIONS.filter((a) => a !== 'ANNOUNCE').flatMap((a) =>
    UNIT_STATES.map((s) => [a, s] as const),
  );
  it.each(pairs)('%s from %s', (action, state) => {
    const rule = ACTION_RULES[action];
    const result = applyUnitAction(unitIn(state), eventOf(action));
    const allowed = rule.from !== 'NONE' && rule.from.includes(state);
    if (
      allowed &&
      !(state === 'RECALLED' && rule.towardsUse) &&
      !(state === 'QUARANTINED' && rule.towardsUse) &&
      !(state === 'EXPIRED' && rule.towardsUse)
    ) {
      expect(result.ok).toBe(true);
    } else {
      expect(result).toMatchObject({ ok: false, code: expectedRefusal(action, state) });
    }
  });

  it('never lets anything follow a terminal state', () => {
    for (const state of UNIT_STATES.filter(isTerminal)) {
      for (const action of UNIT_ACTIONS.filter((a) => a !== 'ANNOUNCE')) {
        expect(applyUnitAction(unitIn(state), eventOf(action)).ok).toBe(false);
      }
    }
  });
});

describe('UnitStateMachine: identity, custody, expiry and undo rules', () => {
  it('unknown serial', () => {
    expect(applyUnitAction(undefined, eventOf('DISPENSE'))).toMatchObject({
      ok: false,
      code: 'UNKNOWN_SERIAL',
    });
  });

  it('lot mismatch before anything else; expiry compared by year and month', () => {
    const unit = unitIn('DESTROYED');
    expect(applyUnitAction(unit, eventOf('DISPENSE', { scanned: { lot: 'L2' } }))).toMatchObject({
      code: 'LOT_MISMATCH',
    });
    const stock = unitIn('HOSPITAL_STOCK');
    expect(
      applyUnitAction(stock, eventOf('DISPENSE', { scanned: { expiry: '2028-12-00' } })).ok,
    ).toBe(true);
    expect(
      applyUnitAction(stock, eventOf('DISPENSE', { scanned: { expiry: '2028-11-30' } })),
    ).toMatchObject({ code: 'EXPIRY_MISMATCH' });
  });

  it('expired by date: dispensable on its expiry day, not the day after', () => {
    const unit = unitIn('HOSPITAL_STOCK', { expiry: '2026-06-01' });
    expect(applyUnitAction(unit, eventOf('DISPENSE')).ok).toBe(true);
    expect(
      applyUnitAction(unit, eventOf('DISPENSE', { eventTime: '2026-06-02T00:00:00Z' })),
    ).toMatchObject({ code: 'EXPIRED' });
    expect(
      applyUnitAction(unit, eventOf('DESTROY', { eventTime: '2026-06-02T00:00:00Z' })).ok,
    ).toBe(true);
  });

  it('precedence: recalled before on hold before expired before custody', () => {
    const held = unitIn('QUARANTINED', { expiry: '2020-01-01', custodianOrg: 'X' });
    expect(applyUnitAction(held, eventOf('DISPENSE'))).toMatchObject({ code: 'ON_HOLD' });
    const recalled = unitIn('RECALLED', { expiry: '2020-01-01', custodianOrg: 'X' });
    expect(applyUnitAction(recalled, eventOf('DISPENSE'))).toMatchObject({ code: 'RECALLED' });
    expect(
      applyUnitAction(
        unitIn('HOSPITAL_STOCK', { expiry: '2020-01-01', custodianOrg: 'X' }),
        eventOf('DISPENSE'),
      ),
    ).toMatchObject({ code: 'EXPIRED' });
    expect(
      applyUnitAction(unitIn('HOSPITAL_STOCK', { custodianOrg: 'X' }), eventOf('DISPENSE')),
    ).toMatchObject({ code: 'WRONG_CUSTODIAN' });
  });

  it('regulators may hold stock they do not hold', () => {
    const regulator = { sub: 'r', org: 'REG', roles: ['regulator'] };
    expect(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('HOLD', { actor: regulator })).ok).toBe(
      true,
    );
    expect(
      applyUnitAction(unitIn('BONDED_STOCK'), eventOf('DISPENSE', { actor: regulator })),
    ).toMatchObject({ ok: false });
  });

  it('undo: same user, within exactly 10 days', () => {
    const unit = unitIn('DISPENSED', { dispensedAt: '2026-05-22T10:00:00Z' });
    expect(
      applyUnitAction(unit, eventOf('UNDO_DISPENSE', { eventTime: '2026-06-01T10:00:00Z' })).ok,
    ).toBe(true);
    expect(
      applyUnitAction(unit, eventOf('UNDO_DISPENSE', { eventTime: '2026-06-01T10:00:01Z' })),
    ).toMatchObject({ code: 'UNDO_WINDOW_EXCEEDED' });
    const bob = { sub: 'bob', org: 'ORG', roles: ['pharmacist'] };
    expect(applyUnitAction(unit, eventOf('UNDO_DISPENSE', { actor: bob }))).toMatchObject({
      code: 'UNDO_BY_DIFFERENT_USER',
    });
  });

  it('administration only to the patient the pack was dispensed to', () => {
    expect(
      applyUnitAction(
        unitIn('DISPENSED'),
        eventOf('ADMINISTER', { context: { patientRef: 'P2' } }),
      ),
    ).toMatchObject({ code: 'WRONG_CUSTODIAN' });
  });

  it('a shipment needs a destination', () => {
    expect(applyUnitAction(unitIn('BONDED_STOCK'), eventOf('SHIP', { context: {} }))).toMatchObject(
      { ok: false },
    );
  });
});
