import { packBytes } from './packed-bytes';
import { rowsOf, SqlExecutor } from './sql-executor';
import { gated, SqlParams, WriteGate } from './sql-params';
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
  const p = new SqlParams();
  const update = treeStateUpdateSql(p, state, null);
  const sql =
    tiles.length === 0 ? update : `WITH tiles AS (${tilesUpsertSql(p, tiles, null)}) ${update}`;
  await db.query(sql, p.values);
}

/**
 * UPDATE of the tree-state row to `state`. With `fromSize`, only if the tree still has that
 * size (and `alsoIf` holds), returning a row when it did: taken as the row lock, this is the
 * check a batch decided ahead needs (a write that finds the log moved changes nothing).
 */
export function treeStateUpdateSql(
  p: SqlParams,
  state: StoredTreeState,
  fromSize: number | null,
  alsoIf: string | null = null,
): string {
  const update = `UPDATE ledger_tree_state SET tree_size = ${p.add(state.size, 'bigint')}, root = ${p.add(
    state.root,
    'bytea',
  )}, compact_range = ${p.add(state.compactRange, 'bytea[]')}, updated_at = now() WHERE id = 1`;
  return fromSize === null
    ? update
    : `${update} AND tree_size = ${p.add(fromSize, 'bigint')}${alsoIf ? ` AND ${alsoIf}` : ''} RETURNING tree_size`;
}

/** Upsert of tile rows (later rows of a tile replace earlier ones). `gate`: see WriteGate. */
export function tilesUpsertSql(p: SqlParams, tiles: TileRow[], gate: WriteGate): string {
  const packed = packBytes(tiles.map((r) => r.hashes));
  const blob = p.add(packed.blob, 'bytea');
  return `INSERT INTO ledger_tree_tiles (level, tile_index, hashes)
       SELECT k.level, k.tile_index, substring(${blob} FROM k.off FOR k.len)
         FROM ${gated(gate)}${p.unnest(tiles, [
           ['level', 'smallint', (r) => r.level],
           ['tile_index', 'bigint', (r) => r.tileIndex],
           ['off', 'int', (_, i) => packed.offsets[i]],
           ['len', 'int', (_, i) => packed.lengths[i]],
         ])}
       ON CONFLICT (level, tile_index) DO UPDATE SET hashes = EXCLUDED.hashes`;
}
