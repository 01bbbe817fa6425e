import { NON_TERMINAL_STATES, UnitState } from './unit-state';

/** The events the ledger records for units (domain.md §3). */
export const UNIT_ACTIONS = [
  'ANNOUNCE',
  'ARRIVE',
  'RECEIVE_BONDED',
  'INSPECT_CONFORMANT',
  'INSPECT_NON_CONFORMANT',
  'SAMPLE',
  'STORE',
  'COUNT',
  'RESERVE',
  'SHIP',
  'RECEIVE_HOSPITAL',
  'RECEIVE_HOSPITAL_MISMATCH',
  'DISPENSE',
  'UNDO_DISPENSE',
  'ADMINISTER',
  'TAKE_OUT',
  'HOLD',
  'RELEASE_HOLD',
  'RECALL',
  'RETURN',
  'EXPIRE',
  'DAMAGE',
  'LOSE',
  'STEAL',
  'DESTROY',
  'RE_EXPORT',
  'VOID_SHIPMENT',
  'APPLY_CN_CODE',
  'PACK',
  'UNPACK',
] as const;
export type UnitAction = (typeof UNIT_ACTIONS)[number];

export function isUnitAction(value: unknown): value is UnitAction {
  return typeof value === 'string' && (UNIT_ACTIONS as readonly string[]).includes(value);
}

/** EPCIS 2.0 / CBV encoding of an action (bizStep and disposition as CBV short names). */
export interface EpcisEncoding {
  eventType: 'ObjectEvent' | 'AggregationEvent' | 'AssociationEvent';
  action: 'ADD' | 'OBSERVE' | 'DELETE';
  bizStep: string;
  disposition?: string;
}

/** Custom vocabulary for what CBV has no term for (administration to a patient). */
export const TRACE_VOCABULARY = 'https://trace-ledger.example/voc/';

/** `to: null` keeps the state; `to: 'PREVIOUS'` returns to the state remembered before. */
export interface ActionRule {
  from: readonly UnitState[] | 'NONE';
  to: UnitState | null | 'PREVIOUS';
  epcis: EpcisEncoding;
  /** Moves the pack towards a patient: refused for recalled, held or expired packs. */
  towardsUse: boolean;
  /** Who may do it: the unit's custodian, the shipment's destination, or anyone entitled. */
  actor: 'custodian' | 'destination' | 'receiver' | 'any';
}

const ANY_LIVE = NON_TERMINAL_STATES;
const obj = (
  action: EpcisEncoding['action'],
  bizStep: string,
  disposition?: string,
): EpcisEncoding => ({
  eventType: 'ObjectEvent',
  action,
  bizStep,
  ...(disposition ? { disposition } : {}),
});

/** The transition table: data, read by UnitStateMachine and by the tests. */
export const ACTION_RULES: Record<UnitAction, ActionRule> = {
  ANNOUNCE: {
    from: 'NONE',
    to: 'ANNOUNCED',
    epcis: obj('ADD', 'commissioning', 'active'),
    towardsUse: false,
    actor: 'any',
  },
  ARRIVE: {
    from: ['ANNOUNCED'],
    to: 'AT_PORT',
    epcis: obj('OBSERVE', 'arriving', 'in_progress'),
    towardsUse: false,
    actor: 'any',
  },
  RECEIVE_BONDED: {
    from: ['AT_PORT'],
    to: 'BONDED_PENDING',
    epcis: obj('OBSERVE', 'receiving', 'in_progress'),
    towardsUse: false,
    actor: 'receiver',
  },
  INSPECT_CONFORMANT: {
    from: ['BONDED_PENDING'],
    to: 'BONDED_STOCK',
    epcis: obj('OBSERVE', 'inspecting', 'conformant'),
    towardsUse: false,
    actor: 'custodian',
  },
  INSPECT_NON_CONFORMANT: {
    from: ['BONDED_PENDING', 'BONDED_STOCK'],
    to: 'QUARANTINED',
    epcis: obj('OBSERVE', 'inspecting', 'non_conformant'),
    towardsUse: false,
    actor: 'custodian',
  },
  SAMPLE: {
    from: ['BONDED_PENDING', 'BONDED_STOCK', 'QUARANTINED'],
    to: 'SAMPLED',
    epcis: obj('DELETE', 'sampling', 'destroyed'),
    towardsUse: false,
    actor: 'custodian',
  },
  STORE: {
    from: ANY_LIVE,
    to: null,
    epcis: obj('OBSERVE', 'storing'),
    towardsUse: false,
    actor: 'custodian',
  },
  COUNT: {
    from: ANY_LIVE,
    to: null,
    epcis: obj('OBSERVE', 'cycle_counting'),
    towardsUse: false,
    actor: 'custodian',
  },
  RESERVE: {
    from: ['BONDED_STOCK'],
    to: 'RESERVED',
    epcis: obj('OBSERVE', 'reserving', 'reserved'),
    towardsUse: true,
    actor: 'custodian',
  },
  SHIP: {
    from: ['BONDED_STOCK', 'RESERVED', 'HOSPITAL_STOCK'],
    to: 'IN_TRANSIT',
    epcis: obj('OBSERVE', 'shipping', 'in_transit'),
    towardsUse: true,
    actor: 'custodian',
  },
  RECEIVE_HOSPITAL: {
    from: ['IN_TRANSIT'],
    to: 'HOSPITAL_STOCK',
    epcis: obj('OBSERVE', 'receiving', 'sellable_accessible'),
    towardsUse: true,
    actor: 'destination',
  },
  RECEIVE_HOSPITAL_MISMATCH: {
    from: ['IN_TRANSIT'],
    to: 'QUARANTINED',
    epcis: obj('OBSERVE', 'receiving', 'non_sellable_other'),
    towardsUse: false,
    actor: 'destination',
  },
  DISPENSE: {
    from: ['HOSPITAL_STOCK'],
    to: 'DISPENSED',
    epcis: obj('OBSERVE', 'dispensing', 'dispensed'),
    towardsUse: true,
    actor: 'custodian',
  },
  UNDO_DISPENSE: {
    from: ['DISPENSED'],
    to: 'HOSPITAL_STOCK',
    epcis: obj('OBSERVE', 'dispensing', 'sellable_accessible'),
    towardsUse: false,
    actor: 'custodian',
  },
  ADMINISTER: {
    from: ['DISPENSED'],
    to: 'ADMINISTERED',
    epcis: obj('DELETE', `${TRACE_VOCABULARY}administering`),
    towardsUse: true,
    actor: 'custodian',
  },
  TAKE_OUT: {
    from: ['HOSPITAL_STOCK'],
    to: 'TAKEN_OUT',
    epcis: obj('DELETE', 'dispensing', 'dispensed'),
    towardsUse: true,
    actor: 'custodian',
  },
  HOLD: {
    from: ANY_LIVE.filter((s) => s !== 'QUARANTINED' && s !== 'RECALLED'),
    to: 'QUARANTINED',
    epcis: obj('OBSERVE', 'holding', 'non_sellable_other'),
    towardsUse: false,
    actor: 'custodian',
  },
  RELEASE_HOLD: {
    from: ['QUARANTINED'],
    to: 'PREVIOUS',
    epcis: obj('OBSERVE', 'inspecting', 'conformant'),
    towardsUse: false,
    actor: 'custodian',
  },
  RECALL: {
    from: ANY_LIVE.filter((s) => s !== 'RECALLED'),
    to: 'RECALLED',
    epcis: obj('OBSERVE', 'holding', 'recalled'),
    towardsUse: false,
    actor: 'any',
  },
  RETURN: {
    from: ['HOSPITAL_STOCK', 'DISPENSED', 'QUARANTINED', 'RECALLED', 'EXPIRED', 'DAMAGED'],
    to: 'RETURNED',
    epcis: obj('OBSERVE', 'receiving', 'returned'),
    towardsUse: false,
    actor: 'custodian',
  },
  EXPIRE: {
    from: ANY_LIVE.filter((s) => s !== 'EXPIRED'),
    to: 'EXPIRED',
    epcis: obj('OBSERVE', 'holding', 'expired'),
    towardsUse: false,
    actor: 'any',
  },
  DAMAGE: {
    from: ANY_LIVE.filter((s) => s !== 'DAMAGED'),
    to: 'DAMAGED',
    epcis: obj('OBSERVE', 'holding', 'damaged'),
    towardsUse: false,
    actor: 'custodian',
  },
  LOSE: {
    from: ANY_LIVE.filter((s) => s !== 'LOST'),
    to: 'LOST',
    epcis: obj('OBSERVE', 'holding', 'unknown'),
    towardsUse: false,
    actor: 'custodian',
  },
  STEAL: {
    from: ANY_LIVE.filter((s) => s !== 'STOLEN'),
    to: 'STOLEN',
    epcis: obj('OBSERVE', 'holding', 'stolen'),
    towardsUse: false,
    actor: 'custodian',
  },
  DESTROY: {
    from: ANY_LIVE,
    to: 'DESTROYED',
    epcis: obj('DELETE', 'destroying', 'destroyed'),
    towardsUse: false,
    actor: 'custodian',
  },
  RE_EXPORT: {
    from: ['BONDED_PENDING', 'BONDED_STOCK', 'QUARANTINED', 'RECALLED'],
    to: 'RE_EXPORTED',
    epcis: obj('DELETE', 'shipping', 'in_transit'),
    towardsUse: false,
    actor: 'custodian',
  },
  VOID_SHIPMENT: {
    from: ['IN_TRANSIT'],
    to: 'PREVIOUS',
    epcis: obj('OBSERVE', 'void_shipping', 'sellable_accessible'),
    towardsUse: false,
    actor: 'custodian',
  },
  APPLY_CN_CODE: {
    from: ANY_LIVE,
    to: null,
    epcis: { eventType: 'AssociationEvent', action: 'ADD', bizStep: 'commissioning' },
    towardsUse: false,
    actor: 'custodian',
  },
  PACK: {
    from: ANY_LIVE,
    to: null,
    epcis: { eventType: 'AggregationEvent', action: 'ADD', bizStep: 'packing' },
    towardsUse: false,
    actor: 'custodian',
  },
  UNPACK: {
    from: ANY_LIVE,
    to: null,
    epcis: { eventType: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking' },
    towardsUse: false,
    actor: 'custodian',
  },
};
