import type { TransactionRunner } from './ledger-sequencer';
import { parseEnvelope } from './ledger-envelope';
import { ProjectionBatch } from './projection-batch';
import { rowsOf } from './sql-executor';
import type { UnitEventEvaluator } from './unit-event-evaluator';
import { loadUnits } from './unit-projection-store';

const PAGE = 5000;

export interface RebuildReport {
  entries: number;
  events: number;
  alerts: number;
}

/**
 * Projections are derived data: empty them and replay every entry in order through the same
 * evaluator and the same projection code the sequencer uses, in one transaction. An accepted
 * entry that no longer replays means the rules changed under a live log: that is reported,
 * never papered over.
 */
export async function rebuildProjections(
  transaction: TransactionRunner,
  evaluator: UnitEventEvaluator,
  onProgress: (done: number) => void = () => undefined,
): Promise<RebuildReport> {
  return transaction(async (db) => {
    // The sequencer must not write while we replay: take its tree-state row lock.
    await db.query('SELECT 1 FROM ledger_tree_state WHERE id = 1 FOR UPDATE');
    await db.query(
      'DELETE FROM unit_events; DELETE FROM container_events; DELETE FROM stock_counts; DELETE FROM unit_aliases; DELETE FROM containers; DELETE FROM units; UPDATE approvals SET used = 0 WHERE used <> 0',
    );
    const report: RebuildReport = { entries: 0, events: 0, alerts: 0 };
    let after = -1;
    for (;;) {
      const rows = await rowsOf<{ idx: string; entry_type: string; entry: Buffer }>(
        db,
        'SELECT idx, entry_type, entry FROM ledger_entries WHERE idx > $1 ORDER BY idx LIMIT $2',
        [after, PAGE],
      );
      if (rows.length === 0) break;
      const envelopes = rows.map((r) => ({
        index: Number(r.idx),
        type: r.entry_type,
        env: parseEnvelope(r.entry),
      }));
      const units = await loadUnits(
        db,
        envelopes.flatMap((e) => e.env.units),
      );
      const batch = new ProjectionBatch(units);
      for (const { index, type, env } of envelopes) {
        if (type === 'alert') {
          batch.refused(env, index);
          report.alerts++;
          continue;
        }
        const outcome = evaluator.evaluate(env, units, index, env.recordTime);
        if (!outcome.accepted) {
          throw new Error(`entry ${index} no longer replays: ${outcome.code} (${outcome.detail})`);
        }
        batch.accepted(env, index, outcome.updates);
        report.events++;
      }
      await batch.write(db);
      report.entries += rows.length;
      after = Number(rows[rows.length - 1].idx);
      onProgress(report.entries);
    }
    return report;
  });
}
