import { HASH_SIZE, NodeAddress, tileOf } from './tile-layout';
import { rowsOf, SqlExecutor } from './sql-executor';

/**
 * Reads perfect-subtree hashes (level, index) from the stored tiles in one query, so an
 * inclusion or consistency proof costs one indexed read however large the log is.
 */
export async function readNodes(
  db: SqlExecutor,
  nodes: NodeAddress[],
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (nodes.length === 0) return out;
  const levels: number[] = [];
  const tileIndexes: number[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const t = tileOf(node);
    const key = `${t.level}/${t.tileIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    levels.push(t.level);
    tileIndexes.push(t.tileIndex);
  }
  const rows = await rowsOf<{ level: number; tile_index: string; hashes: Buffer }>(
    db,
    // Index lookups per tile (OFFSET 0: never a hash join over all tiles).
    `SELECT t.level, t.tile_index, t.hashes
       FROM unnest($1::smallint[], $2::bigint[]) AS k(level, tile_index)
       CROSS JOIN LATERAL (SELECT * FROM ledger_tree_tiles
                            WHERE level = k.level AND tile_index = k.tile_index OFFSET 0) t`,
    [levels, tileIndexes],
  );
  const tiles = new Map(rows.map((r) => [`${r.level}/${Number(r.tile_index)}`, r.hashes]));
  for (const node of nodes) {
    const t = tileOf(node);
    const tile = tiles.get(`${t.level}/${t.tileIndex}`);
    const start = t.offset * HASH_SIZE;
    if (!tile || tile.length < start + HASH_SIZE) {
      throw new Error(`tree node ${node.level}/${node.index} is not stored`);
    }
    out.set(nodeKey(node), tile.subarray(start, start + HASH_SIZE));
  }
  return out;
}

export const nodeKey = (n: NodeAddress) => `${n.level}/${n.index}`;
