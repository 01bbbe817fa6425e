import {
  findSequenced,
  SequencedEvent,
  sequencedFromRows,
  SequencedRow,
  sequencedSql,
} from './entry-appender';
import { SMALL_BATCH } from './one-statement-append';
import { rowsOf, SqlExecutor } from './sql-executor';
import { SqlParams } from './sql-params';
import { loadUnits, UnitRow, unitsByKeySql, unitsFromRows } from './unit-projection-store';

/** What deciding a batch reads: events of it already in the log, and the units it names now. */
export interface DecisionInputs {
  sequenced: Map<string, SequencedEvent>;
  units: Map<string, UnitRow>;
}

/**
 * Reads a batch's decision inputs. A small batch (a dispense at the counter) reads both in one
 * round trip, each as a JSON array of the rows the two separate queries return; a large one
 * keeps the two queries, whose rows the driver parses faster than the server builds JSON, and
 * sends them together.
 */
export async function readDecisionInputs(
  db: SqlExecutor,
  eventIds: string[],
  refs: { gtin: string; serial: string }[],
): Promise<DecisionInputs> {
  if (eventIds.length > SMALL_BATCH.events || refs.length > SMALL_BATCH.units) {
    // Both at once: from a pool they go on two connections (one transaction's queue them).
    const [sequenced, units] = await Promise.all([
      findSequenced(db, eventIds),
      loadUnits(db, refs),
    ]);
    return { sequenced, units };
  }
  const p = new SqlParams();
  const [row] = await rowsOf<{ sequenced: SequencedRow[]; units: Record<string, unknown>[] }>(
    db,
    `SELECT (SELECT coalesce(json_agg(s), '[]') FROM (${sequencedSql(p, eventIds)}) s) AS sequenced,
            (SELECT coalesce(json_agg(r), '[]') FROM (${unitsByKeySql(p, refs)}) r) AS units`,
    p.values,
  );
  return { sequenced: sequencedFromRows(row.sequenced), units: unitsFromRows(row.units) };
}
