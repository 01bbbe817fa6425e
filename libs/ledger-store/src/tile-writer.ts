import { HASH_SIZE, TILE_WIDTH } from './tile-layout';
import { rowsOf, SqlExecutor } from './sql-executor';
import { SqlParams } from './sql-params';
import { tilesUpsertSql } from './tree-state';

export interface CreatedNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** A tile as stored: its level, index and the concatenated hashes it holds so far. */
export interface TileRow {
  level: number;
  tileIndex: number;
  hashes: Buffer;
}

interface OpenTile {
  tileIndex: number;
  hashes: Buffer[];
}

/**
 * Keeps the last, partly filled tile of every level in memory and writes the tiles a batch
 * touched with one upsert. Full tiles are never rewritten. The sequencer reloads it from the
 * database whenever a transaction fails, so memory never runs ahead of what is committed.
 */
export class TileWriter {
  private readonly open = new Map<number, OpenTile>();
  private readonly touched = new Set<number>();
  private readonly completed: TileRow[] = [];

  /** Loads the partial tiles of a tree of `size` leaves. */
  static async load(db: SqlExecutor, size: number): Promise<TileWriter> {
    const writer = new TileWriter();
    const levels: number[] = [];
    const indexes: number[] = [];
    for (let level = 0; 2 ** level <= size; level++) {
      const nodes = Math.floor(size / 2 ** level);
      if (nodes % TILE_WIDTH !== 0) {
        levels.push(level);
        indexes.push(Math.floor(nodes / TILE_WIDTH));
      }
    }
    if (levels.length === 0) return writer;
    const rows = await rowsOf<{ level: number; tile_index: string; hashes: Buffer }>(
      db,
      `SELECT t.level, t.tile_index, t.hashes FROM ledger_tree_tiles t
         JOIN unnest($1::smallint[], $2::bigint[]) AS k(level, tile_index)
           ON t.level = k.level AND t.tile_index = k.tile_index`,
      [levels, indexes],
    );
    for (const row of rows) {
      const hashes: Buffer[] = [];
      for (let o = 0; o < row.hashes.length; o += HASH_SIZE) {
        hashes.push(Buffer.from(row.hashes.subarray(o, o + HASH_SIZE)));
      }
      writer.open.set(row.level, { tileIndex: Number(row.tile_index), hashes });
    }
    for (let i = 0; i < levels.length; i++) {
      const tile = writer.open.get(levels[i]);
      const expected = Math.floor(size / 2 ** levels[i]) % TILE_WIDTH;
      if (!tile || tile.tileIndex !== indexes[i] || tile.hashes.length !== expected) {
        throw new Error(`stored tile ${levels[i]}/${indexes[i]} does not match tree size ${size}`);
      }
    }
    return writer;
  }

  add(nodes: CreatedNode[]): void {
    for (const node of nodes) {
      const tileIndex = Math.floor(node.index / TILE_WIDTH);
      let tile = this.open.get(node.level);
      if (!tile) {
        tile = { tileIndex, hashes: [] };
        this.open.set(node.level, tile);
      }
      if (tile.tileIndex !== tileIndex || tile.hashes.length !== node.index % TILE_WIDTH) {
        throw new Error(`tree node ${node.level}/${node.index} arrived out of order`);
      }
      tile.hashes.push(node.hash);
      this.touched.add(node.level);
      if (tile.hashes.length === TILE_WIDTH) {
        this.completed.push({ level: node.level, tileIndex, hashes: Buffer.concat(tile.hashes) });
        this.open.delete(node.level);
      }
    }
  }

  /** The completed and touched partial tiles since the last call: the rows to write. */
  take(): TileRow[] {
    const rows = [...this.completed];
    for (const level of this.touched) {
      const tile = this.open.get(level);
      if (tile) rows.push({ level, tileIndex: tile.tileIndex, hashes: Buffer.concat(tile.hashes) });
    }
    this.completed.length = 0;
    this.touched.clear();
    return rows;
  }

  /** Writes tile rows in one statement (later rows of a tile replace earlier ones). */
  static async write(db: SqlExecutor, rows: TileRow[]): Promise<void> {
    if (rows.length === 0) return;
    const p = new SqlParams();
    await db.query(tilesUpsertSql(p, rows, null), p.values);
  }
}
