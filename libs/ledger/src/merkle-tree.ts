import { Buffer } from 'node:buffer';
import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash';

/**
 * RFC 9162 §2.1 Merkle tree hashing and proof generation.
 *
 * Proofs are described first as leaf ranges [start, end) whose subtree hashes make the
 * proof, and every such hash is computed from *perfect* subtrees (power-of-two aligned):
 * node (level L, index i) covers leaves [i·2^L, (i+1)·2^L), level 0 being the leaf hashes.
 * Those are exactly the nodes a log stores, so the service can list the few nodes a proof
 * needs (`perfectNodesNeeded`), fetch them in one query and build the proof synchronously.
 */

/** Leaves [start, end) of the tree. */
export type LeafRange = readonly [start: number, end: number];

/** Address of a perfect subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L). */
export interface PerfectNode {
  level: number;
  index: number;
}

/** A perfect subtree with its hash, as produced when the tree grows. */
export interface CreatedNode extends PerfectNode {
  hash: Buffer;
}

/** Returns the hash of a perfect subtree (from memory, or prefetched from storage). */
export type PerfectNodeReader = (level: number, index: number) => Buffer;

function assertCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
  }
}

function assertHash(h: Uint8Array, what: string): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new RangeError(`${what} must be ${HASH_SIZE} bytes`);
  }
}

/** Largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`cannot split ${n} leaves`);
  // Multiplying stays exact for every power of two below 2^53 (no 32-bit shifts).
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The ranges whose hashes form the audit path of leaf `index` in a tree of `size` leaves,
 * in proof order (the leaf's sibling first), as PATH(m, D[n]) of RFC 9162 §2.1.3.1.
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  assertCount(size, 'tree size');
  assertCount(index, 'leaf index');
  if (index >= size) throw new RangeError(`leaf index ${index} is not below tree size ${size}`);
  const out: LeafRange[] = [];
  let start = 0;
  let end = size;
  // Walk down from the root; the sibling met first is the last element of the proof.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      out.push([start + k, end]);
      end = start + k;
    } else {
      out.push([start, start + k]);
      start += k;
    }
  }
  return out.reverse();
}

/**
 * The ranges of the consistency proof from the tree of `from` leaves to the tree of `to`
 * leaves, in proof order, as PROOF(m, D[n]) of RFC 9162 §2.1.4.1. Equal sizes give an
 * empty proof; a proof from the empty tree does not exist (and is refused by verifiers).
 */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  assertCount(to, 'tree size');
  assertCount(from, 'tree size');
  if (from < 1 || from > to) throw new RangeError(`need 1 <= from (${from}) <= to (${to})`);
  const out: LeafRange[] = [];
  let start = 0;
  let end = to;
  // `complete`: the current subtree is still a prefix of the old tree's root path (b in the RFC).
  let complete = true;
  for (;;) {
    const n = end - start;
    const m = from - start;
    if (m === n) {
      if (!complete) out.push([start, end]);
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      out.push([start + k, end]);
      end = start + k;
    } else {
      out.push([start, start + k]);
      start += k;
      complete = false;
    }
  }
  return out.reverse();
}

/** Smallest power of two ≥ n (n ≥ 1). */
function ceilPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The perfect subtrees making up [start, end), largest (leftmost) first. Only subtree
 * ranges of an RFC 9162 tree are accepted: `start` must be a multiple of the smallest power
 * of two ≥ the range's width, which holds for [0, n) and for every range in a proof.
 */
export function perfectNodesOf(start: number, end: number): PerfectNode[] {
  assertCount(start, 'range start');
  assertCount(end, 'range end');
  if (end < start) throw new RangeError(`range [${start}, ${end}) is reversed`);
  const out: PerfectNode[] = [];
  if (start === end) return out;
  if (start % ceilPowerOfTwo(end - start) !== 0) {
    throw new RangeError(`[${start}, ${end}) is not a subtree of an RFC 9162 tree`);
  }
  let s = start;
  while (s < end) {
    let level = 0;
    let width = 1;
    while (s % (width * 2) === 0 && s + width * 2 <= end) {
      width *= 2;
      level++;
    }
    out.push({ level, index: s / width });
    s += width;
  }
  return out;
}

/** Every perfect node the given ranges need, each once: one prefetch query for a proof. */
export function perfectNodesNeeded(ranges: readonly LeafRange[]): PerfectNode[] {
  const seen = new Set<string>();
  const out: PerfectNode[] = [];
  for (const [start, end] of ranges) {
    for (const node of perfectNodesOf(start, end)) {
      const key = `${node.level}/${node.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(node);
    }
  }
  return out;
}

function readPerfect(perfect: PerfectNodeReader, level: number, index: number): Buffer {
  const hash = perfect(level, index);
  // A missing or damaged stored node must fail loudly, never yield a wrong proof.
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new RangeError(`perfect node ${level}/${index} is missing or not ${HASH_SIZE} bytes`);
  }
  return hash;
}

/**
 * MTH(D[start:end]) from perfect-subtree hashes. The perfect parts shrink from left to
 * right, so the RFC's split-at-largest-power-of-two recursion is a right fold over them.
 */
export function subtreeHash(start: number, end: number, perfect: PerfectNodeReader): Buffer {
  const nodes = perfectNodesOf(start, end);
  if (nodes.length === 0) return emptyRoot();
  const last = nodes[nodes.length - 1];
  let hash = readPerfect(perfect, last.level, last.index);
  if (nodes.length === 1) return Buffer.from(hash); // a copy: callers may own the stored node
  for (let i = nodes.length - 2; i >= 0; i--) {
    hash = nodeHash(readPerfect(perfect, nodes[i].level, nodes[i].index), hash);
  }
  return hash;
}

/** Audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(index: number, size: number, perfect: PerfectNodeReader): Buffer[] {
  return inclusionProofRanges(index, size).map(([s, e]) => subtreeHash(s, e, perfect));
}

/** Consistency proof from `from` leaves to `to` leaves (RFC 9162 §2.1.4.1). */
export function consistencyProof(from: number, to: number, perfect: PerfectNodeReader): Buffer[] {
  return consistencyProofRanges(from, to).map(([s, e]) => subtreeHash(s, e, perfect));
}

/**
 * MTH over leaf hashes held in memory, written straight from the RFC 9162 §2.1.1 definition
 * (and independent of MerkleTree and CompactRange, so tests can use it as the oracle).
 */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Buffer {
  hashes.forEach((h, i) => assertHash(h, `leaf hash ${i}`));
  if (hashes.length === 0) return emptyRoot();
  const mth = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return Buffer.from(hashes[lo]);
    const k = splitPoint(hi - lo);
    return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };
  return mth(0, hashes.length);
}

/**
 * A whole tree in memory, every perfect node per level: for tests, tools and small logs.
 * The service keeps the same nodes in the database instead and uses the functions above.
 */
export class MerkleTree {
  private readonly levels: Buffer[][] = [[]];

  static fromLeafHashes(hashes: readonly Uint8Array[]): MerkleTree {
    const tree = new MerkleTree();
    for (const h of hashes) tree.append(h);
    return tree;
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Adds a leaf hash; returns the perfect nodes it completes, the leaf itself first. */
  append(leafHash: Uint8Array): CreatedNode[] {
    assertHash(leafHash, 'leaf hash');
    const leaf = Buffer.from(leafHash);
    let index = this.levels[0].length;
    this.levels[0].push(leaf);
    const created: CreatedNode[] = [{ level: 0, index, hash: leaf }];
    let level = 0;
    // An odd index closes a pair: its parent is complete, and so on upwards.
    while (index % 2 === 1) {
      const parent = nodeHash(this.levels[level][index - 1], this.levels[level][index]);
      level++;
      index = (index - 1) / 2;
      if (this.levels.length === level) this.levels.push([]);
      this.levels[level].push(parent);
      created.push({ level, index, hash: parent });
    }
    return created;
  }

  /** Perfect node reader over this tree (throws for nodes not complete yet). */
  readonly perfect: PerfectNodeReader = (level, index) => {
    const hash = this.levels[level]?.[index];
    if (!hash) throw new RangeError(`no perfect node ${level}/${index} in a tree of ${this.size}`);
    return hash;
  };

  root(size = this.size): Buffer {
    this.assertWithin(size);
    return subtreeHash(0, size, this.perfect);
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    this.assertWithin(size);
    return inclusionProof(index, size, this.perfect);
  }

  consistencyProof(from: number, to = this.size): Buffer[] {
    this.assertWithin(to);
    return consistencyProof(from, to, this.perfect);
  }

  private assertWithin(size: number): void {
    assertCount(size, 'tree size');
    if (size > this.size) throw new RangeError(`tree has ${this.size} leaves, not ${size}`);
  }
}
