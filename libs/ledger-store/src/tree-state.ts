import { rowsOf, SqlExecutor } from './sql-executor';

export interface StoredTreeState {
  size: number;
  root: Buffer;
  /** Roots of the perfect subtrees covering [0, size), largest first. */
  compactRange: Buffer[];
}

/**
 * Reads the tree-state row. With `forUpdate` the row lock serialises writers: whoever holds
 * it extends the tree from exactly this size, so two sequencers can never fork the log.
 */
export async function readTreeState(db: SqlExecutor, forUpdate = false): Promise<StoredTreeState> {
  const [row] = await rowsOf<{ tree_size: string; root: Buffer; compact_range: Buffer[] }>(
    db,
    `SELECT tree_size, root, compact_range FROM ledger_tree_state WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
  );
  return { size: Number(row.tree_size), root: row.root, compactRange: row.compact_range };
}

export async function writeTreeState(db: SqlExecutor, state: StoredTreeState): Promise<void> {
  await db.query(
    `UPDATE ledger_tree_state SET tree_size = $1, root = $2, compact_range = $3::bytea[], updated_at = now() WHERE id = 1`,
    [state.size, state.root, state.compactRange],
  );
}
