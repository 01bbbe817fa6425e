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

/**
 * Nothing follows these. LOST and STOLEN are not terminal (a pack can be found and must then
 * be destroyed or quarantined); RECALLED is not terminal either (it is still returned or
 * destroyed) but can never become usable again.
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
