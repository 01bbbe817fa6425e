import { EMPTY_ROOT, nodeHash } from './merkle-hash';

/** Leaves [start, end) of the tree: a proof element is the hash of such a range. */
export type LeafRange = readonly [start: number, end: number];

/** A perfect subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L). Level 0 = leaf hashes. */
export interface PerfectNode {
  level: number;
  index: number;
}

/** Reads the hash of a perfect subtree (from memory, or prefetched from storage). */
export type PerfectNodeReader = (level: number, index: number) => Buffer;

/** Largest power of two strictly below n (n ≥ 2): the RFC 9162 split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The ranges whose hashes form the audit path of leaf `index` in a tree of `size` (RFC 9162 §2.1.3.1). */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  assertCount(size, 'size');
  if (!(Number.isSafeInteger(index) && index >= 0 && index < size)) {
    throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
  }
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number) => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      out.push([start + k, end]);
    } else {
      path(m - k, start + k, end);
      out.push([start, start + k]);
    }
  };
  path(index, 0, size);
  return out;
}

/** The ranges of the consistency proof from `from` leaves to `to` leaves (RFC 9162 §2.1.4.1). */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  assertCount(to, 'to');
  if (!(Number.isSafeInteger(from) && from >= 1 && from <= to)) {
    throw new RangeError(`need 1 <= from (${from}) <= to (${to})`);
  }
  const out: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean) => {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push([start, end]);
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      out.push([start + k, end]);
    } else {
      subproof(m - k, start + k, end, false);
      out.push([start, start + k]);
    }
  };
  subproof(from, 0, to, true);
  return out;
}

/** Splits a range into the perfect subtrees whose hashes make up its hash, left to right. */
export function perfectNodesOf(range: LeafRange): PerfectNode[] {
  const [start, end] = range;
  const out: PerfectNode[] = [];
  let s = start;
  while (s < end) {
    // Largest aligned power of two that starts at s and fits.
    let width = 1;
    while (s % (width * 2) === 0 && s + width * 2 <= end) width *= 2;
    out.push({ level: Math.log2(width), index: s / width });
    s += width;
  }
  return out;
}

/** Every perfect node the given ranges need, without repeats (for one prefetch query). */
export function perfectNodesNeeded(ranges: LeafRange[]): PerfectNode[] {
  const seen = new Map<string, PerfectNode>();
  for (const range of ranges) {
    for (const node of perfectNodesOf(range)) seen.set(`${node.level}/${node.index}`, node);
  }
  return [...seen.values()];
}

/** MTH of leaves [start, end), from perfect-subtree hashes. */
export function rangeHash(range: LeafRange, perfect: PerfectNodeReader): Buffer {
  const nodes = perfectNodesOf(range).map((n) => perfect(n.level, n.index));
  if (nodes.length === 0) return EMPTY_ROOT;
  // Perfect nodes shrink left to right, so the tree is a right fold (as RFC 9162 splits).
  let hash = nodes[nodes.length - 1];
  for (let i = nodes.length - 2; i >= 0; i--) hash = nodeHash(nodes[i], hash);
  return hash;
}

export function inclusionProof(index: number, size: number, perfect: PerfectNodeReader): Buffer[] {
  return inclusionProofRanges(index, size).map((r) => rangeHash(r, perfect));
}

export function consistencyProof(from: number, to: number, perfect: PerfectNodeReader): Buffer[] {
  return consistencyProofRanges(from, to).map((r) => rangeHash(r, perfect));
}

/** RFC 9162 MTH over leaf hashes held in memory. */
export function rootFromLeafHashes(leaves: Buffer[]): Buffer {
  const tree = new MerkleTree();
  for (const leaf of leaves) tree.append(leaf);
  return tree.root();
}

/**
 * A whole tree in memory (every perfect node per level): for tests, tools and small logs.
 * The service keeps the same nodes in database tiles instead.
 */
export class MerkleTree {
  private readonly levels: Buffer[][] = [[]];

  get size(): number {
    return this.levels[0].length;
  }

  append(leafHash: Buffer): void {
    this.levels[0].push(leafHash);
    let level = 0;
    let index = this.levels[0].length - 1;
    while (index % 2 === 1) {
      const parent = nodeHash(this.levels[level][index - 1], this.levels[level][index]);
      level++;
      if (!this.levels[level]) this.levels[level] = [];
      this.levels[level].push(parent);
      index = (index - 1) / 2;
    }
  }

  readonly perfect: PerfectNodeReader = (level, index) => {
    const hash = this.levels[level]?.[index];
    if (!hash) throw new RangeError(`no perfect node ${level}/${index}`);
    return hash;
  };

  root(size = this.size): Buffer {
    assertCount(size, 'size');
    if (size > this.size) throw new RangeError(`tree has ${this.size} leaves, not ${size}`);
    return rangeHash([0, size], this.perfect);
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    return inclusionProof(index, size, this.perfect);
  }

  consistencyProof(from: number, to = this.size): Buffer[] {
    return consistencyProof(from, to, this.perfect);
  }
}

function assertCount(n: number, what: string) {
  if (!(Number.isSafeInteger(n) && n >= 0))
    throw new RangeError(`${what} must be a count, got ${n}`);
}
