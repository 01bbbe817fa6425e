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
  const byTile = new Map<string, { level: number; tileIndex: number; offsets: Set<number> }>();
  for (const node of nodes) {
    const t = tileOf(node);
    const key = `${t.level}/${t.tileIndex}`;
    let tile = byTile.get(key);
    if (!tile)
      byTile.set(key, (tile = { level: t.level, tileIndex: t.tileIndex, offsets: new Set() }));
    tile.offsets.add(t.offset);
  }
  // A proof wants a node or two of each of many tiles: read 32-byte slices (tiles are stored
  // uncompressed out of line, so a slice does not fetch the whole 8 KiB). An audit wants most
  // of each tile: read whole tiles.
  const whole = [...byTile.values()].filter((t) => t.offsets.size >= WHOLE_TILE_AT);
  const sliced = [...byTile.values()].filter((t) => t.offsets.size < WHOLE_TILE_AT);
  const found = new Map<string, Buffer>();
  if (whole.length > 0) {
    const rows = await rowsOf<{ level: number; tile_index: string; hashes: Buffer }>(
      db,
      // Index lookups per tile (OFFSET 0: never a hash join over all tiles).
      `SELECT t.level, t.tile_index, t.hashes
         FROM unnest($1::smallint[], $2::bigint[]) AS k(level, tile_index)
         CROSS JOIN LATERAL (SELECT * FROM ledger_tree_tiles
                              WHERE level = k.level AND tile_index = k.tile_index OFFSET 0) t`,
      [whole.map((t) => t.level), whole.map((t) => t.tileIndex)],
    );
    for (const r of rows) {
      for (let off = 0; off * HASH_SIZE < r.hashes.length; off++) {
        const hash = r.hashes.subarray(off * HASH_SIZE, (off + 1) * HASH_SIZE);
        found.set(`${r.level}/${Number(r.tile_index)}/${off}`, hash);
      }
    }
  }
  if (sliced.length > 0) {
    const wanted = sliced.flatMap((t) => [...t.offsets].map((off) => ({ ...t, off })));
    const rows = await rowsOf<{ level: number; tile_index: string; off: number; hash: Buffer }>(
      db,
      `SELECT k.level, k.tile_index, k.off, substring(t.hashes FROM k.off * 32 + 1 FOR 32) AS hash
         FROM unnest($1::smallint[], $2::bigint[], $3::int[]) AS k(level, tile_index, off)
         CROSS JOIN LATERAL (SELECT hashes FROM ledger_tree_tiles
                              WHERE level = k.level AND tile_index = k.tile_index OFFSET 0) t`,
      [wanted.map((w) => w.level), wanted.map((w) => w.tileIndex), wanted.map((w) => w.off)],
    );
    for (const r of rows) found.set(`${r.level}/${Number(r.tile_index)}/${r.off}`, r.hash);
  }
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

/** From how many wanted nodes of one tile reading the whole tile is cheaper than slices. */
const WHOLE_TILE_AT = 8;

export const nodeKey = (n: NodeAddress) => `${n.level}/${n.index}`;
