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
  const offsets: number[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const key = nodeKey(node);
    if (seen.has(key)) continue;
    seen.add(key);
    const t = tileOf(node);
    levels.push(t.level);
    tileIndexes.push(t.tileIndex);
    offsets.push(t.offset);
  }
  const rows = await rowsOf<{ level: number; tile_index: string; off: number; hash: Buffer }>(
    db,
    // Index lookups per tile (OFFSET 0: never a hash join over all tiles), and only the 32
    // bytes wanted of each: tiles are stored uncompressed out of line, so a slice is read
    // without fetching the whole 8 KiB tile.
    `SELECT k.level, k.tile_index, k.off, substring(t.hashes FROM k.off * 32 + 1 FOR 32) AS hash
       FROM unnest($1::smallint[], $2::bigint[], $3::int[]) AS k(level, tile_index, off)
       CROSS JOIN LATERAL (SELECT hashes FROM ledger_tree_tiles
                            WHERE level = k.level AND tile_index = k.tile_index OFFSET 0) t`,
    [levels, tileIndexes, offsets],
  );
  const found = new Map(
    rows.map((r) => [`${r.level}/${Number(r.tile_index)}/${r.off}`, r.hash] as const),
  );
  for (const node of nodes) {
    const t = tileOf(node);
    const hash = found.get(`${t.level}/${t.tileIndex}/${t.offset}`);
    if (!hash || hash.length !== HASH_SIZE) {
      throw new Error(`tree node ${node.level}/${node.index} is not stored`);
    }
    out.set(nodeKey(node), hash);
  }
  return out;
}

export const nodeKey = (n: NodeAddress) => `${n.level}/${n.index}`;
