import type { Role } from './organisation-roles';
import { NON_TERMINAL_STATES, PHYSICALLY_HELD_STATES, UnitState } from './unit-state';

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
  'UNRESERVE',
  'SHIP',
  'RECEIVE_HOSPITAL',
  'RECEIVE_HOSPITAL_MISMATCH',
  'TRANSFER_SHIP',
  'TRANSFER_RECEIVE',
  'DISPENSE',
  'UNDO_DISPENSE',
  'ADMINISTER',
  'TAKE_OUT',
  'HOLD',
  'RELEASE_HOLD',
  'RECALL',
  'RETURN_SHIP',
  'RETURN_RECEIVE',
  'EXPIRE',
  'DAMAGE',
  'LOSE',
  'STEAL',
  'FIND',
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
  /** A CBV short name, or a `tl:` CURIE of our own vocabulary where CBV has no term. */
  bizStep: string;
  /** Absent where the disposition follows from the state restored (void shipping). */
  disposition?: string;
  /** Captured as the corrective event of an EPCIS errorDeclaration on the event it undoes. */
  correctionOf?: UnitAction;
}

/**
 * Our vocabulary for what CBV has no term for (administration to a patient). Events write
 * the CURIE `tl:administering`; the JSON-LD @context of every document we emit binds `tl`
 * to this namespace, so the expanded value is an ordinary URI and no URN registry is needed.
 */
export const TRACE_VOCABULARY_PREFIX = 'tl';
export const TRACE_VOCABULARY = 'https://trace-ledger.example/voc/';
export const TRACE_JSONLD_CONTEXT: Readonly<Record<string, string>> = {
  [TRACE_VOCABULARY_PREFIX]: TRACE_VOCABULARY,
};

/** Expands a `tl:` CURIE to its URI; CBV short names and other values are returned unchanged. */
export function expandVocabularyTerm(term: string): string {
  const prefix = `${TRACE_VOCABULARY_PREFIX}:`;
  return term.startsWith(prefix) ? TRACE_VOCABULARY + term.slice(prefix.length) : term;
}

/**
 * How an action moves custody. Custody stays with the shipper while a pack is in transit
 * and passes to the receiver at receipt, so a pack lost on the road is the shipper's.
 * - KEEP: unchanged;
 * - TAKE: the acting organisation becomes the custodian (announce, receipts);
 * - CONSIGN: the custodian keeps it, the destination is recorded (shipments);
 * - CANCEL_CONSIGNMENT: the destination and shipment are forgotten (void shipment).
 */
export type CustodyEffect = 'KEEP' | 'TAKE' | 'CONSIGN' | 'CANCEL_CONSIGNMENT';

/**
 * Who may act on a pack:
 * - custodian: the organisation holding it (and `oversightRoles`, whoever holds it);
 * - destination: the organisation it was shipped to (receipts);
 * - any: anyone the API lets call the action (announce, arrival, recall, expiry).
 * Role checks ("only regulators recall") belong to the API; this is about custody.
 */
export type ActorRule = 'custodian' | 'destination' | 'any';

/**
 * One row of the transition table. `to: null` keeps the state; `to: 'PREVIOUS'` returns to
 * the state remembered before (release of a hold, void shipment).
 */
export interface ActionRule {
  from: readonly UnitState[] | 'NONE';
  to: UnitState | null | 'PREVIOUS';
  /** On entering QUARANTINED: the state a release returns to, when not the state left. */
  resumesTo?: UnitState;
  epcis: EpcisEncoding;
  /** Moves the pack towards a patient: refused for recalled, held or expired packs. */
  towardsUse: boolean;
  /** Makes a blocked pack usable again: BATCH_RECALL_IRREVERSIBLE on a recalled pack. */
  releasesToUse: boolean;
  actor: ActorRule;
  /** Roles that may act on packs they do not hold (regulators' holds, customs samples). */
  oversightRoles: readonly Role[];
  custody: CustodyEffect;
  /** The pack leaves its case or pallet (taken out to be used or consumed). */
  leavesAggregation: boolean;
}

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

type RuleInput = Pick<ActionRule, 'from' | 'to' | 'epcis'> & Partial<ActionRule>;
const rule = (r: RuleInput): ActionRule => ({
  towardsUse: false,
  releasesToUse: false,
  actor: 'custodian',
  oversightRoles: [],
  custody: 'KEEP',
  leavesAggregation: false,
  ...r,
});
const except = (states: readonly UnitState[], ...excluded: UnitState[]) =>
  states.filter((s) => !excluded.includes(s));

/** Held and at rest: where a pack can be stored, counted, labelled, packed or destroyed. */
const AT_REST: readonly UnitState[] = except(PHYSICALLY_HELD_STATES, 'IN_TRANSIT', 'DISPENSED');
const OVERSIGHT: readonly Role[] = ['regulator', 'admin'];

/** The transition table (domain.md §3, with the decisions of README.md): data, read by UnitStateMachine and the tests. */
export const ACTION_RULES: Record<UnitAction, ActionRule> = {
  ANNOUNCE: rule({
    from: 'NONE',
    to: 'ANNOUNCED',
    epcis: obj('ADD', 'commissioning', 'active'),
    actor: 'any',
    custody: 'TAKE',
  }),
  ARRIVE: rule({
    from: ['ANNOUNCED'],
    to: 'AT_PORT',
    epcis: obj('OBSERVE', 'arriving', 'in_progress'),
    actor: 'any',
  }),
  RECEIVE_BONDED: rule({
    from: ['AT_PORT'],
    to: 'BONDED_PENDING',
    epcis: obj('OBSERVE', 'receiving', 'in_progress'),
    actor: 'any',
    custody: 'TAKE',
  }),
  // Customs inspects goods it does not hold (as may the warehouse's own quality staff).
  INSPECT_CONFORMANT: rule({
    from: ['BONDED_PENDING'],
    to: 'BONDED_STOCK',
    epcis: obj('OBSERVE', 'inspecting', 'conformant'),
    towardsUse: true,
    releasesToUse: true,
    oversightRoles: ['customs_officer'],
  }),
  INSPECT_NON_CONFORMANT: rule({
    from: ['BONDED_PENDING', 'BONDED_STOCK'],
    to: 'QUARANTINED',
    // Releasing a non-conformant pack is the re-inspection that finds it conformant.
    resumesTo: 'BONDED_STOCK',
    epcis: obj('OBSERVE', 'inspecting', 'non_conformant'),
    oversightRoles: ['customs_officer'],
  }),
  SAMPLE: rule({
    from: ['AT_PORT', 'BONDED_PENDING', 'BONDED_STOCK', 'QUARANTINED'],
    to: 'SAMPLED',
    epcis: obj('DELETE', 'sampling', 'destroyed'),
    oversightRoles: ['customs_officer', 'regulator'],
    leavesAggregation: true,
  }),
  STORE: rule({ from: AT_REST, to: null, epcis: obj('OBSERVE', 'storing') }),
  COUNT: rule({ from: AT_REST, to: null, epcis: obj('OBSERVE', 'cycle_counting') }),
  RESERVE: rule({
    from: ['BONDED_STOCK'],
    to: 'RESERVED',
    epcis: obj('OBSERVE', 'reserving', 'reserved'),
    towardsUse: true,
  }),
  UNRESERVE: rule({
    from: ['RESERVED'],
    to: 'BONDED_STOCK',
    epcis: obj('OBSERVE', 'reserving', 'available'),
  }),
  SHIP: rule({
    from: ['BONDED_STOCK', 'RESERVED'],
    to: 'IN_TRANSIT',
    epcis: obj('OBSERVE', 'shipping', 'in_transit'),
    towardsUse: true,
    custody: 'CONSIGN',
  }),
  RECEIVE_HOSPITAL: rule({
    from: ['IN_TRANSIT'],
    to: 'HOSPITAL_STOCK',
    epcis: obj('OBSERVE', 'receiving', 'sellable_accessible'),
    towardsUse: true,
    actor: 'destination',
    custody: 'TAKE',
  }),
  RECEIVE_HOSPITAL_MISMATCH: rule({
    from: ['IN_TRANSIT'],
    to: 'QUARANTINED',
    // The receiver holds it now: a release puts it into that hospital's stock.
    resumesTo: 'HOSPITAL_STOCK',
    epcis: obj('OBSERVE', 'receiving', 'non_sellable_other'),
    actor: 'destination',
    custody: 'TAKE',
  }),
  TRANSFER_SHIP: rule({
    from: ['HOSPITAL_STOCK'],
    to: 'IN_TRANSIT',
    epcis: obj('OBSERVE', 'shipping', 'in_transit'),
    towardsUse: true,
    custody: 'CONSIGN',
  }),
  TRANSFER_RECEIVE: rule({
    from: ['IN_TRANSIT'],
    to: 'HOSPITAL_STOCK',
    epcis: obj('OBSERVE', 'receiving', 'sellable_accessible'),
    towardsUse: true,
    actor: 'destination',
    custody: 'TAKE',
  }),
  DISPENSE: rule({
    from: ['HOSPITAL_STOCK'],
    to: 'DISPENSED',
    epcis: obj('OBSERVE', 'dispensing', 'dispensed'),
    towardsUse: true,
    leavesAggregation: true,
  }),
  UNDO_DISPENSE: rule({
    from: ['DISPENSED'],
    to: 'HOSPITAL_STOCK',
    epcis: { ...obj('OBSERVE', 'receiving', 'sellable_accessible'), correctionOf: 'DISPENSE' },
  }),
  ADMINISTER: rule({
    from: ['DISPENSED'],
    to: 'ADMINISTERED',
    // DELETE says the pack has left circulation; CBV has no disposition for "given".
    epcis: obj('DELETE', `${TRACE_VOCABULARY_PREFIX}:administering`),
    towardsUse: true,
    leavesAggregation: true,
  }),
  TAKE_OUT: rule({
    from: ['HOSPITAL_STOCK'],
    to: 'TAKEN_OUT',
    epcis: obj('DELETE', 'dispensing', 'dispensed'),
    towardsUse: true,
    leavesAggregation: true,
  }),
  HOLD: rule({
    // Not in transit: the receiver quarantines at receipt instead, which keeps the
    // pre-shipment state a void shipment needs. Lost packs are found, not held.
    from: except(NON_TERMINAL_STATES, 'QUARANTINED', 'RECALLED', 'IN_TRANSIT', 'LOST', 'STOLEN'),
    to: 'QUARANTINED',
    epcis: obj('OBSERVE', 'holding', 'non_sellable_other'),
    oversightRoles: OVERSIGHT,
  }),
  RELEASE_HOLD: rule({
    from: ['QUARANTINED'],
    to: 'PREVIOUS',
    epcis: obj('OBSERVE', 'inspecting', 'conformant'),
    releasesToUse: true,
    oversightRoles: OVERSIGHT,
  }),
  RECALL: rule({
    // domain.md: every non-terminal unit of the lot.
    from: except(NON_TERMINAL_STATES, 'RECALLED'),
    to: 'RECALLED',
    epcis: obj('OBSERVE', 'holding', 'recalled'),
    actor: 'any',
  }),
  RETURN_SHIP: rule({
    from: ['HOSPITAL_STOCK', 'DISPENSED', 'QUARANTINED', 'RECALLED', 'EXPIRED', 'DAMAGED'],
    to: 'RETURNED',
    epcis: obj('OBSERVE', 'shipping', 'returned'),
    custody: 'CONSIGN',
  }),
  RETURN_RECEIVE: rule({
    from: ['RETURNED'],
    to: null,
    epcis: obj('OBSERVE', 'receiving', 'returned'),
    actor: 'destination',
    custody: 'TAKE',
  }),
  EXPIRE: rule({
    // Packs already blocked for another reason keep that, more telling, state.
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
    epcis: obj('OBSERVE', 'holding', 'expired'),
    actor: 'any',
  }),
  DAMAGE: rule({
    from: except(PHYSICALLY_HELD_STATES, 'DAMAGED', 'RECALLED'),
    to: 'DAMAGED',
    epcis: obj('OBSERVE', 'holding', 'damaged'),
  }),
  LOSE: rule({
    from: PHYSICALLY_HELD_STATES,
    to: 'LOST',
    epcis: obj('OBSERVE', 'holding', 'unknown'),
  }),
  STEAL: rule({
    from: [...PHYSICALLY_HELD_STATES, 'LOST'],
    to: 'STOLEN',
    epcis: obj('OBSERVE', 'holding', 'stolen'),
  }),
  FIND: rule({
    from: ['LOST', 'STOLEN'],
    to: 'QUARANTINED',
    epcis: obj('OBSERVE', 'inspecting', 'non_sellable_other'),
  }),
  DESTROY: rule({
    // A dispensed pack spoilt on the ward is destroyed where it is.
    from: [...AT_REST, 'DISPENSED'],
    to: 'DESTROYED',
    epcis: obj('DELETE', 'destroying', 'destroyed'),
    leavesAggregation: true,
  }),
  RE_EXPORT: rule({
    // Only goods never cleared into the zone's use, or blocked ones, leave the country.
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
    // OBSERVE, not DELETE: the pack lives on abroad.
    epcis: obj('OBSERVE', 'shipping', 'in_transit'),
  }),
  VOID_SHIPMENT: rule({
    from: ['IN_TRANSIT'],
    to: 'PREVIOUS',
    epcis: obj('OBSERVE', 'void_shipping'),
    custody: 'CANCEL_CONSIGNMENT',
  }),
  APPLY_CN_CODE: rule({
    from: AT_REST,
    to: null,
    epcis: { eventType: 'AssociationEvent', action: 'ADD', bizStep: 'encoding' },
  }),
  PACK: rule({
    // Announced packs may arrive packed: the manufacturer's ASN carries the hierarchy.
    from: ['ANNOUNCED', ...AT_REST],
    to: null,
    epcis: { eventType: 'AggregationEvent', action: 'ADD', bizStep: 'packing' },
  }),
  UNPACK: rule({
    from: ['ANNOUNCED', ...AT_REST],
    to: null,
    epcis: { eventType: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking' },
  }),
};

/** The actions a pack in this state may undergo (by the table alone, before other checks). */
export function actionsFrom(state: UnitState): UnitAction[] {
  return UNIT_ACTIONS.filter((a) => {
    const from = ACTION_RULES[a].from;
    return from !== 'NONE' && from.includes(state);
  });
}

/** What an EPCIS event says it is: event type, action, bizStep and disposition (CBV short names). */
export interface EpcisEventShape {
  eventType: string;
  action: string;
  bizStep: string;
  disposition?: string;
}

/**
 * The actions whose EPCIS encoding the event has. Several can share one encoding (shipping
 * in transit is a release, a transfer or a re-export): the caller picks among them. A
 * disposition left out matches every disposition of the bizStep; corrections are not
 * matched (they are captured as error declarations).
 */
export function actionsForEpcis(shape: EpcisEventShape): UnitAction[] {
  return UNIT_ACTIONS.filter((a) => {
    const e = ACTION_RULES[a].epcis;
    if (e.correctionOf) return false;
    if (e.eventType !== shape.eventType || e.action !== shape.action) return false;
    if (e.bizStep !== shape.bizStep) return false;
    return (
      shape.disposition === undefined ||
      e.disposition === undefined ||
      e.disposition === shape.disposition
    );
  });
}

/**
 * Not a unit action: an EPCIS event kept in the ledger as evidence that changes no pack's
 * state — a business transaction (purchase order, despatch advice) linked to packs, a
 * transformation, quantities of unserialised goods, sensor readings. The packs it names, if
 * any, must be known; their custody history shows it.
 */
export const RECORD_ACTION = 'RECORD';
