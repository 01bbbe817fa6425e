import type { LedgerEventInput } from '@trace/queue';
import type { UnitRow } from './unit-projection-store';

export type EvaluableEvent = Pick<
  LedgerEventInput,
  'eventId' | 'action' | 'eventTime' | 'actor' | 'units' | 'containers' | 'refs' | 'context'
>;

export type EvaluationOutcome =
  { accepted: true; updates: UnitRow[] } | { accepted: false; code: string; detail: string };

/**
 * Decides an event against the current state of its units and says what the units become.
 * Deterministic in (event, units, index, recordTime): replaying the ledger reproduces the
 * projections exactly.
 */
export interface UnitEventEvaluator {
  evaluate(
    event: EvaluableEvent,
    units: ReadonlyMap<string, UnitRow>,
    index: number,
    recordTime: string,
  ): EvaluationOutcome;
}
