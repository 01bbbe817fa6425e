/** Lifecycle states of a serialised pack (domain.md §3). */
export const UNIT_STATES = [
  'ANNOUNCED',
  'AT_PORT',
  'BONDED_PENDING',
  'BONDED_STOCK',
  'RESERVED',
  'IN_TRANSIT',
  'HOSPITAL_STOCK',
  'DISPENSED',
  'ADMINISTERED',
  'TAKEN_OUT',
  'QUARANTINED',
  'RECALLED',
  'EXPIRED',
  'DAMAGED',
  'RETURNED',
  'LOST',
  'STOLEN',
  'SAMPLED',
  'DESTROYED',
  'RE_EXPORTED',
] as const;
export type UnitState = (typeof UNIT_STATES)[number];

export function isUnitState(value: unknown): value is UnitState {
  return typeof value === 'string' && (UNIT_STATES as readonly string[]).includes(value);
}

/** What each state means, for reports and the README (one line each). */
export const UNIT_STATE_DESCRIPTIONS: Record<UnitState, string> = {
  ANNOUNCED: 'serial data received from the manufacturer before the goods arrive',
  AT_PORT: 'arrived at the port with its customs declaration',
  BONDED_PENDING: 'in the bonded warehouse, awaiting inspection',
  BONDED_STOCK: 'inspected and stocked in the bonded warehouse',
  RESERVED: 'set aside in the bonded warehouse for an approval',
  IN_TRANSIT: 'shipped, not yet received; the shipper keeps custody',
  HOSPITAL_STOCK: 'in a designated hospital pharmacy',
  DISPENSED: 'dispensed against a prescription to a patient, not yet administered',
  ADMINISTERED: 'given to the patient',
  TAKEN_OUT: 'taken home by a discharged patient',
  QUARANTINED: 'on hold; remembers the state it returns to on release',
  RECALLED: 'recalled; can be returned, destroyed or re-exported, never used',
  EXPIRED: 'past its expiry date; awaits return or destruction',
  DAMAGED: 'damaged; awaits return or destruction',
  RETURNED: 'returned from a hospital; awaits destruction or re-export',
  LOST: 'missing; may be found again',
  STOLEN: 'reported stolen; may be recovered',
  SAMPLED: 'taken as a customs or quality sample and consumed',
  DESTROYED: 'destroyed under an executor and a supervisor',
  RE_EXPORTED: 'shipped back out of the country',
};

/**
 * Nothing follows these: the pack has left the zone's supply chain for good. Every other
 * state has a way out, which is why they are not terminal:
 * - QUARANTINED is released or disposed of;
 * - RECALLED, EXPIRED, DAMAGED and RETURNED are still physically held and must be destroyed,
 *   returned or re-exported (and recall-board reports count them as outstanding);
 * - LOST and STOLEN packs can be found again (FIND) and are then quarantined.
 */
export const TERMINAL_STATES: readonly UnitState[] = [
  'ADMINISTERED',
  'TAKEN_OUT',
  'SAMPLED',
  'DESTROYED',
  'RE_EXPORTED',
];

export function isTerminal(state: UnitState): boolean {
  return TERMINAL_STATES.includes(state);
}

export const NON_TERMINAL_STATES: readonly UnitState[] = UNIT_STATES.filter((s) => !isTerminal(s));

/** States from which a pack can still reach a patient (stock reports count these as usable). */
export const USABLE_STATES: readonly UnitState[] = [
  'ANNOUNCED',
  'AT_PORT',
  'BONDED_PENDING',
  'BONDED_STOCK',
  'RESERVED',
  'IN_TRANSIT',
  'HOSPITAL_STOCK',
  'DISPENSED',
];

/** Packs that have been used up: dispensing them again is ALREADY_DISPENSED. */
export const USED_UP_STATES: readonly UnitState[] = ['DISPENSED', 'ADMINISTERED', 'TAKEN_OUT'];

/** Non-terminal states in which someone physically holds the pack (not data only, not missing). */
export const PHYSICALLY_HELD_STATES: readonly UnitState[] = NON_TERMINAL_STATES.filter(
  (s) => s !== 'ANNOUNCED' && s !== 'LOST' && s !== 'STOLEN',
);

/**
 * States in which a bonded warehouse keeps a pack on its shelves: what a count expects to
 * find and what a store's temperature concerns.
 */
export const WAREHOUSE_SHELF_STATES: readonly UnitState[] = [
  'BONDED_PENDING',
  'BONDED_STOCK',
  'RESERVED',
  'QUARANTINED',
  'RETURNED',
];
