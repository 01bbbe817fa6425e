import { entriesInsertSql, LedgerEntryRow } from './entry-appender';
import type { ProjectionBatch } from './projection-batch';
import { rowsOf, SqlExecutor } from './sql-executor';
import { SqlParams } from './sql-params';
import type { TileRow } from './tile-writer';
import { StoredTreeState, tilesUpsertSql, treeStateUpdateSql } from './tree-state';
import { unitsStillAsSeenSql, UnitRow } from './unit-projection-store';

/** How every one-statement write begins: the tree-state lock, which gates the rest. */
const ONE_STATEMENT_START = 'WITH tree_lock AS';

/** Whether a statement is a one-statement write (PreparedWrites names those). */
export const isOneStatementWrite = (sql: string) => sql.startsWith(ONE_STATEMENT_START);

/** A decided batch, as the one-statement write needs it. */
export interface DecidedWrites {
  /** Tree size the batch was decided on. */
  baseSize: number;
  rows: LedgerEntryRow[];
  projections: ProjectionBatch;
  tileRows: TileRow[];
  treeState: StoredTreeState;
  /**
   * Set when the batch was decided on units as a producer read them (ADR 0018): the units as
   * the decision saw them, which must still be so, as the entries' event ids must still be
   * absent from the log, for the write to hold. Only the one-statement write checks this.
   */
  decidedOn?: { seen: UnitRow[]; absent: { gtin: string; serial: string }[] };
}

/**
 * A small batch, read and written with one statement each: at most this many events (entries)
 * and unit rows. Beyond that, binary COPY and plain rows are faster.
 */
export const SMALL_BATCH = { events: 32, units: 256 };

export const fitsOneStatement = (batch: DecidedWrites) =>
  batch.rows.length > 0 &&
  batch.rows.length <= SMALL_BATCH.events &&
  batch.projections.unitRows <= SMALL_BATCH.units;

/**
 * Writes a small batch decided ahead with a single statement: the tree-state row is updated
 * only if the tree still has `baseSize` leaves (which also takes its lock), and every other
 * write — entries, projections, tiles — joins that update's row, so a batch whose log moved
 * writes nothing. One round trip instead of one per table: a dispense at the counter no
 * longer waits for ten of them on a busy machine (ADR 0011).
 *
 * True when written; false when the log had moved (or the units a batch was decided on, as
 * someone else read them, were not so) and nothing was written.
 */
export async function appendInOneStatement(
  db: SqlExecutor,
  batch: DecidedWrites,
): Promise<boolean> {
  const p = new SqlParams();
  const on = batch.decidedOn;
  const lock = treeStateUpdateSql(
    p,
    batch.treeState,
    batch.baseSize,
    on
      ? `NOT EXISTS (SELECT 1 FROM ledger_entries WHERE event_id = ANY(${p.add(
          batch.rows.map((r) => r.eventId),
          'text[]',
        )})) AND ${unitsStillAsSeenSql(p, on.seen, on.absent)}`
      : null,
  );
  const parts = [
    entriesInsertSql(p, batch.rows, 'tree_lock'),
    ...batch.projections.sqlParts(p, 'tree_lock'),
  ];
  if (batch.tileRows.length > 0) parts.push(tilesUpsertSql(p, batch.tileRows, 'tree_lock'));
  // Data-modifying CTEs all run, on one snapshot; no two of them touch the same row.
  const sql = `${ONE_STATEMENT_START} (${lock}),
    ${parts.map((part, i) => `w${i} AS (${part})`).join(',\n    ')}
    SELECT count(*)::int AS locked FROM tree_lock`;
  const [row] = await rowsOf<{ locked: number }>(db, sql, p.values);
  return row.locked === 1;
}
