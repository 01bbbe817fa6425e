import { Buffer } from 'node:buffer';
import { decodeBase64 } from './encoding';
import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash';
import { CreatedNode } from './merkle-tree';

/** The persisted form of a compact range (in the tree-state row): hashes as base64. */
export interface CompactRangeJson {
  size: number;
  hashes: string[];
}

function assertSize(size: unknown): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`compact range size must be a non-negative safe integer, got ${size}`);
  }
}

/** Levels of the perfect subtrees covering [0, size): the set bits of size, highest first. */
function levelsOf(size: number): number[] {
  const levels: number[] = [];
  for (let level = 0, rest = size; rest > 0; level++, rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) levels.push(level);
  }
  return levels.reverse();
}

/**
 * The right edge of a tree of `size` leaves: the roots of the perfect subtrees covering
 * [0, size), largest first, at most log2(size) hashes. That is all the sequencer needs to
 * keep to extend the tree: a batch of b leaves costs O(b + log n) hashes, and every perfect
 * node the batch completes is reported so the caller can store interior nodes for proofs.
 */
export class CompactRange {
  private readonly edge: Buffer[] = [];
  private count = 0;

  /** Number of leaves covered. */
  get size(): number {
    return this.count;
  }

  /** Rebuilds a range from a stored size and its right-edge hashes (largest subtree first). */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    assertSize(size);
    const want = levelsOf(size).length;
    if (hashes.length !== want) {
      throw new RangeError(`size ${size} needs ${want} hashes, got ${hashes.length}`);
    }
    const range = new CompactRange();
    hashes.forEach((h, i) => {
      if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
        throw new RangeError(`compact range hash ${i} is not ${HASH_SIZE} bytes`);
      }
      range.edge.push(Buffer.from(h));
    });
    range.count = size;
    return range;
  }

  /** Parses the `toJSON()` form strictly (canonical base64 of 32-byte hashes). */
  static fromJSON(json: unknown): CompactRange {
    const j = json as Partial<CompactRangeJson> | null;
    if (typeof j !== 'object' || j === null || !Array.isArray(j.hashes)) {
      throw new RangeError('compact range JSON must be {size, hashes}');
    }
    assertSize(j.size);
    const hashes = j.hashes.map((h, i) => {
      const bytes = decodeBase64(h);
      if (!bytes) throw new RangeError(`compact range hash ${i} is not base64`);
      return bytes;
    });
    return CompactRange.fromHashes(j.size, hashes);
  }

  toJSON(): CompactRangeJson {
    return { size: this.count, hashes: this.edge.map((h) => h.toString('base64')) };
  }

  /** The right-edge hashes, largest subtree first (copies). */
  hashes(): Buffer[] {
    return this.edge.map((h) => Buffer.from(h));
  }

  /** An independent copy, e.g. to extend speculatively inside a transaction. */
  clone(): CompactRange {
    return CompactRange.fromHashes(this.count, this.edge);
  }

  /**
   * Adds one leaf hash; returns the perfect nodes it completes, the leaf itself first. The
   * returned hashes are shared with the range: store them, do not modify them.
   */
  append(leafHash: Uint8Array): CreatedNode[] {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) {
      throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    }
    let hash: Buffer = Buffer.from(leafHash);
    let index = this.count;
    let level = 0;
    const created: CreatedNode[] = [{ level, index, hash }];
    // Binary increment: each set low bit of the old size is a subtree the new node completes.
    while (index % 2 === 1) {
      hash = nodeHash(this.edge.pop()!, hash);
      level++;
      index = (index - 1) / 2;
      created.push({ level, index, hash });
    }
    this.edge.push(hash);
    this.count++;
    return created;
  }

  /** Appends a batch in order; returns every perfect node completed, in creation order. */
  appendAll(leafHashes: Iterable<Uint8Array>): CreatedNode[] {
    const created: CreatedNode[] = [];
    for (const leaf of leafHashes) {
      for (const node of this.append(leaf)) created.push(node);
    }
    return created;
  }

  /** MTH of [0, size): the right fold of the edge, O(log n). */
  root(): Buffer {
    if (this.edge.length === 0) return emptyRoot();
    let hash = this.edge[this.edge.length - 1];
    if (this.edge.length === 1) return Buffer.from(hash);
    for (let i = this.edge.length - 2; i >= 0; i--) hash = nodeHash(this.edge[i], hash);
    return hash;
  }
}
