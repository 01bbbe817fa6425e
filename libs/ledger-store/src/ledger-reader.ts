import {
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  perfectNodesNeeded,
} from '@trace/ledger';
import { rowsOf, SqlExecutor } from './sql-executor';
import { nodeKey, readNodes } from './tile-reader';

export interface StoredEntry {
  index: number;
  eventId: string;
  entryType: 'event' | 'alert';
  entry: Buffer;
  leafHash: Buffer;
}

export interface StoredCheckpoint {
  treeSize: number;
  root: Buffer;
  note: string;
  signedAt: Date;
}

export class LedgerRangeError extends Error {}

/** Reads of the log for regulators and verifiers: entries, proofs, checkpoints. */
export class LedgerReader {
  constructor(private readonly db: SqlExecutor) {}

  async size(): Promise<number> {
    const [row] = await rowsOf<{ tree_size: string }>(
      this.db,
      'SELECT tree_size FROM ledger_tree_state WHERE id = 1',
    );
    return Number(row.tree_size);
  }

  async entry(index: number): Promise<StoredEntry | null> {
    const [row] = await rowsOf<{
      idx: string;
      event_id: string;
      entry_type: 'event' | 'alert';
      entry: Buffer;
      leaf_hash: Buffer;
    }>(
      this.db,
      'SELECT idx, event_id, entry_type, entry, leaf_hash FROM ledger_entries WHERE idx = $1',
      [index],
    );
    if (!row) return null;
    return {
      index: Number(row.idx),
      eventId: row.event_id,
      entryType: row.entry_type,
      entry: row.entry,
      leafHash: row.leaf_hash,
    };
  }

  /** Audit path for `index` in the tree of `treeSize` leaves (treeSize ≤ current size). */
  async inclusionProof(index: number, treeSize: number): Promise<Buffer[]> {
    await this.assertWithin(treeSize);
    if (!(index >= 0 && index < treeSize)) {
      throw new LedgerRangeError(`index ${index} is not below tree size ${treeSize}`);
    }
    const needed = perfectNodesNeeded(inclusionProofRanges(index, treeSize));
    const nodes = await readNodes(this.db, needed);
    return inclusionProof(index, treeSize, (level, i) => nodes.get(nodeKey({ level, index: i }))!);
  }

  /** Audit paths for several entries in one tree, from one read of the nodes they need. */
  async inclusionProofs(indexes: number[], treeSize: number): Promise<Map<number, Buffer[]>> {
    await this.assertWithin(treeSize);
    const bad = indexes.find((index) => !(index >= 0 && index < treeSize));
    if (bad !== undefined) {
      throw new LedgerRangeError(`index ${bad} is not below tree size ${treeSize}`);
    }
    const needed = perfectNodesNeeded(indexes.flatMap((i) => inclusionProofRanges(i, treeSize)));
    const nodes = await readNodes(this.db, needed);
    const node = (level: number, i: number) => nodes.get(nodeKey({ level, index: i }))!;
    return new Map(indexes.map((i) => [i, inclusionProof(i, treeSize, node)]));
  }

  /** Proof that the tree of size `from` is a prefix of the tree of size `to`. */
  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    await this.assertWithin(to);
    if (!(from >= 1 && from <= to)) {
      throw new LedgerRangeError(`need 1 <= from (${from}) <= to (${to})`);
    }
    const needed = perfectNodesNeeded(consistencyProofRanges(from, to));
    const nodes = await readNodes(this.db, needed);
    return consistencyProof(from, to, (level, i) => nodes.get(nodeKey({ level, index: i }))!);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const [row] = await rowsOf<CheckpointRow>(
      this.db,
      'SELECT tree_size, root, note, signed_at FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1',
    );
    return row ? toCheckpoint(row) : null;
  }

  async checkpoint(treeSize: number): Promise<StoredCheckpoint | null> {
    const [row] = await rowsOf<CheckpointRow>(
      this.db,
      'SELECT tree_size, root, note, signed_at FROM ledger_checkpoints WHERE tree_size = $1',
      [treeSize],
    );
    return row ? toCheckpoint(row) : null;
  }

  /** The latest checkpoint that includes `index`: one checkpoint serves a whole answer. */
  async latestCheckpointCovering(index: number): Promise<StoredCheckpoint | null> {
    const [row] = await rowsOf<CheckpointRow>(
      this.db,
      'SELECT tree_size, root, note, signed_at FROM ledger_checkpoints WHERE tree_size > $1 ORDER BY tree_size DESC LIMIT 1',
      [index],
    );
    return row ? toCheckpoint(row) : null;
  }

  private async assertWithin(treeSize: number) {
    const size = await this.size();
    if (!(Number.isSafeInteger(treeSize) && treeSize >= 0 && treeSize <= size)) {
      throw new LedgerRangeError(`tree size ${treeSize} is beyond the log (size ${size})`);
    }
  }
}

interface CheckpointRow {
  tree_size: string;
  root: Buffer;
  note: string;
  signed_at: Date;
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    treeSize: Number(row.tree_size),
    root: row.root,
    note: row.note,
    signedAt: row.signed_at,
  };
}
