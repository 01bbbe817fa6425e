import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './merkle-hash';

export interface CreatedNode {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The right edge of a tree: the roots of the perfect subtrees covering [0, size), largest
 * first — at most log2(size) hashes. Appending a batch costs O(batch + log n), and every
 * perfect node it completes is reported so the caller can store interior nodes for proofs.
 */
export class CompactRange {
  private readonly stack: { level: number; hash: Buffer }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Rebuilds from a stored size and its right-edge hashes (largest subtree first). */
  static fromHashes(size: number, hashes: Buffer[]): CompactRange {
    if (!(Number.isSafeInteger(size) && size >= 0)) throw new RangeError(`bad size ${size}`);
    const levels: number[] = [];
    for (let level = 52; level >= 0; level--) {
      if (Math.floor(size / 2 ** level) % 2 === 1) levels.push(level);
    }
    if (levels.length !== hashes.length) {
      throw new RangeError(`size ${size} needs ${levels.length} hashes, got ${hashes.length}`);
    }
    const range = new CompactRange();
    levels.forEach((level, i) => {
      if (hashes[i].length !== HASH_SIZE)
        throw new RangeError('compact range hash is not 32 bytes');
      range.stack.push({ level, hash: Buffer.from(hashes[i]) });
    });
    range.count = size;
    return range;
  }

  /** Adds one leaf hash; returns the perfect nodes it completes (the leaf itself first). */
  append(leafHash: Buffer): CreatedNode[] {
    const created: CreatedNode[] = [{ level: 0, index: this.count, hash: leafHash }];
    let node = { level: 0, hash: leafHash };
    let index = this.count;
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].level === node.level) {
      const left = this.stack.pop()!;
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
      index = Math.floor(index / 2);
      created.push({ level: node.level, index, hash: node.hash });
    }
    this.stack.push(node);
    this.count++;
    return created;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i].hash, hash);
    return hash;
  }

  hashes(): Buffer[] {
    return this.stack.map((s) => s.hash);
  }
}
