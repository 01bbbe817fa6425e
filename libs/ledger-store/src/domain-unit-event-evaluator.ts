import {
  RECORD_ACTION,
  applyUnitAction,
  checkDestructionWitnesses,
  isUnitAction,
} from '@trace/domain';
import type { EvaluableEvent, EvaluationOutcome, UnitEventEvaluator } from './unit-event-evaluator';
import { unitKey, UnitRow, unitRow } from './unit-projection-store';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;

/**
 * The domain's unit state machine applied to every pack an event names. An event is atomic:
 * if one pack is refused, the event is refused (and recorded as an alert) as a whole.
 */
export class DomainUnitEventEvaluator implements UnitEventEvaluator {
  evaluate(
    event: EvaluableEvent,
    units: ReadonlyMap<string, UnitRow>,
    index: number,
    recordTime: string,
  ): EvaluationOutcome {
    if (event.action === RECORD_ACTION) return recordOnly(event, units);
    if (!isUnitAction(event.action)) {
      return {
        accepted: false,
        code: 'INVALID_STATE_TRANSITION',
        detail: `unknown action ${event.action}`,
      };
    }
    if (event.units.length === 0) {
      return { accepted: false, code: 'UNKNOWN_SERIAL', detail: 'the event names no pack' };
    }
    const context = event.context ?? {};
    if (event.action === 'DESTROY') {
      const refusal = checkDestructionWitnesses({
        executor: str(context.executor),
        supervisor: str(context.supervisor),
      });
      if (refusal) return { accepted: false, ...refusal };
    }
    const updates: UnitRow[] = [];
    // Most events name one pack: no set for them (a thousand events a batch).
    const seen = event.units.length > 1 ? new Set<string>() : null;
    for (const ref of event.units) {
      const key = unitKey(ref.gtin, ref.serial);
      if (seen?.has(key)) {
        return {
          accepted: false,
          code: 'DUPLICATE_CODE_USE',
          detail: `${ref.gtin}/${ref.serial} is named twice`,
        };
      }
      seen?.add(key);
      const current = units.get(key);
      const result = applyUnitAction(current, {
        action: event.action,
        eventTime: event.eventTime,
        actor: event.actor,
        scanned: { lot: ref.lot, expiry: ref.expiry },
        refs: event.refs,
        context: {
          locationCode: str(context.locationCode),
          destinationOrg: str(context.destinationOrg),
          patientRef: str(context.patientRef),
          reason: str(context.reason),
          parent: str(context.parent),
          // Stated by warehouse-api from the declaration; absent means not asserted.
          customsReleased:
            typeof context.customsReleased === 'boolean' ? context.customsReleased : undefined,
        },
      });
      if (!result.ok) {
        const detail =
          event.units.length > 1 ? `${ref.gtin}/${ref.serial}: ${result.detail}` : result.detail;
        return { accepted: false, code: result.code, detail };
      }
      if (event.action === 'ANNOUNCE' && (!ref.lot || !ref.expiry)) {
        return {
          accepted: false,
          code: 'UNKNOWN_LOT',
          detail: 'an announced pack needs its lot and expiry',
        };
      }
      updates.push(unitRow(result.next, ref.gtin, ref.serial, index, recordTime));
    }
    return { accepted: true, updates };
  }
}

/** Evidence without a state change: accepted when every pack it names is known. */
function recordOnly(event: EvaluableEvent, units: ReadonlyMap<string, UnitRow>): EvaluationOutcome {
  for (const ref of event.units) {
    if (!units.has(unitKey(ref.gtin, ref.serial))) {
      return {
        accepted: false,
        code: 'UNKNOWN_SERIAL',
        detail: `${ref.gtin}/${ref.serial} is not known to the ledger`,
      };
    }
  }
  return { accepted: true, updates: [] };
}
