import { packBytes } from './packed-bytes';
import { rowsOf, SqlExecutor } from './sql-executor';
import type { TileRow } from './tile-writer';

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

/**
 * Writes the tree state and, in the same statement, the tiles the batch touched (later rows
 * of a tile replace earlier ones; full tiles are never rewritten): one round trip less while
 * the tree-state lock is held.
 */
export async function writeTreeState(
  db: SqlExecutor,
  state: StoredTreeState,
  tiles: TileRow[] = [],
): Promise<void> {
  const update = `UPDATE ledger_tree_state SET tree_size = $1, root = $2, compact_range = $3::bytea[], updated_at = now() WHERE id = 1`;
  if (tiles.length === 0) {
    await db.query(update, [state.size, state.root, state.compactRange]);
    return;
  }
  const packed = packBytes(tiles.map((r) => r.hashes));
  await db.query(
    `WITH tiles AS (
       INSERT INTO ledger_tree_tiles (level, tile_index, hashes)
       SELECT k.level, k.tile_index, substring($6::bytea FROM k.off FOR k.len)
         FROM unnest($4::smallint[], $5::bigint[], $7::int[], $8::int[]) AS k(level, tile_index, off, len)
       ON CONFLICT (level, tile_index) DO UPDATE SET hashes = EXCLUDED.hashes)
     ${update}`,
    [
      state.size,
      state.root,
      state.compactRange,
      tiles.map((r) => r.level),
      tiles.map((r) => r.tileIndex),
      packed.blob,
      packed.offsets,
      packed.lengths,
    ],
  );
}
