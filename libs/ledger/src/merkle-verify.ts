import { Buffer } from 'node:buffer';
import { HASH_SIZE, nodeHash } from './merkle-hash';

/**
 * Proof verification, following the algorithms of RFC 9162 §2.1.3.2 (inclusion) and
 * §2.1.4.2 (consistency) step by step, with the input rules that the transparency-dev/merkle
 * probes pin (the tests run all 196). A verifier recomputes everything it is handed: nothing
 * supplied is trusted but the roots it is asked to check against.
 *
 * Tree sizes and indexes are JavaScript numbers, so they must be safe integers (< 2^53);
 * the shifts below are divisions by two rather than 32-bit bit operations for that reason.
 */
export class ProofError extends Error {
  override name = 'ProofError';
}

function assertCount(n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ProofError(`${what} must be a non-negative safe integer, got ${String(n)}`);
  }
}

function assertHash(h: unknown, what: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array)) throw new ProofError(`${what} is not a byte array`);
  if (h.length !== HASH_SIZE) {
    throw new ProofError(`${what} is ${h.length} bytes, not ${HASH_SIZE}`);
  }
}

function assertProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) throw new ProofError('proof must be an array of hashes');
  proof.forEach((h, i) => assertHash(h, `proof element ${i}`));
}

const lsb = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);
const isPowerOfTwo = (x: number): boolean => {
  while (x > 1 && !lsb(x)) x = half(x);
  return x === 1;
};

/**
 * The RFC's walk over (fn, sn) for one proof element: returns the new (fn, sn) and whether
 * the element is a left sibling. Shared by the length check and the hashing loops, so both
 * agree on the shape of a proof.
 */
function step(fn: number, sn: number): { fn: number; sn: number; left: boolean } {
  const left = lsb(fn) || fn === sn;
  if (left && !lsb(fn)) {
    // On the right border: skip levels where the node has no right sibling.
    while (!lsb(fn) && fn !== 0) {
      fn = half(fn);
      sn = half(sn);
    }
  }
  return { fn: half(fn), sn: half(sn), left };
}

/** Number of elements the walk consumes before sn reaches 0. */
function walkLength(fn: number, sn: number): number {
  let n = 0;
  while (sn !== 0) {
    ({ fn, sn } = step(fn, sn));
    n++;
  }
  return n;
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–4). Throws ProofError on
 * a malformed proof: index not below size, hashes not 32 bytes, wrong number of elements.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Buffer {
  assertCount(index, 'leaf index');
  assertCount(size, 'tree size');
  if (index >= size) throw new ProofError(`leaf index ${index} is not below tree size ${size}`);
  assertHash(leafHash, 'leaf hash');
  assertProof(proof);
  // Checking the length first stands in for the RFC's "sn is 0" checks (steps 4a and 5).
  const want = walkLength(index, size - 1);
  if (proof.length !== want) {
    throw new ProofError(`wrong proof size ${proof.length}, want ${want}`);
  }
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    const s = step(fn, sn);
    r = s.left ? nodeHash(p, r) : nodeHash(r, p);
    ({ fn, sn } = s);
  }
  return r;
}

/** Throws ProofError unless `proof` proves `leafHash` at `index` in the tree (size, root). */
export function checkInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const calculated = rootFromInclusionProof(leafHash, index, size, proof);
  assertHash(root, 'root');
  if (!calculated.equals(root)) throw new ProofError('inclusion proof leads to another root');
}

/** RFC 9162 §2.1.3.2 inclusion verification: true when the proof holds. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  return holds(() => checkInclusion(leafHash, index, size, proof, root));
}

/**
 * Checks the first root against a consistency proof and returns the second root it leads
 * to (RFC 9162 §2.1.4.2). Rules, as the transparency-dev probes pin them:
 * - a proof from size 0 is refused: the empty tree is a prefix of everything, so such a
 *   "proof" proves nothing and accepting one would only hide a caller's mistake;
 * - size2 below size1 is refused;
 * - equal sizes need an empty proof, and the second root is the first one as given;
 * - otherwise the proof must be non-empty and exactly as long as the sizes imply.
 */
export function rootFromConsistencyProof(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Buffer {
  assertCount(size1, 'size1');
  assertCount(size2, 'size2');
  assertProof(proof);
  if (size1 === 0) throw new ProofError('a consistency proof from the empty tree proves nothing');
  if (size2 < size1) throw new ProofError(`size2 (${size2}) is below size1 (${size1})`);
  if (!(root1 instanceof Uint8Array)) throw new ProofError('root1 is not a byte array');
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError('equal sizes need an empty proof');
    return Buffer.from(root1);
  }
  if (proof.length === 0) throw new ProofError('empty proof');
  assertHash(root1, 'root1');

  // Step 2: when the old tree is a perfect subtree its root is the seed, not sent in the proof.
  const seeded = isPowerOfTwo(size1);
  const path: readonly Uint8Array[] = seeded ? [root1, ...proof] : proof;
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  const want = walkLength(fn, sn) + (seeded ? 0 : 1);
  if (proof.length !== want) {
    throw new ProofError(`wrong proof size ${proof.length}, want ${want}`);
  }
  // Steps 5–6: fr rebuilds the old root, sr the new one, from the same path.
  let fr: Buffer = Buffer.from(path[0]);
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    const s = step(fn, sn);
    if (s.left) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
    } else {
      sr = nodeHash(sr, c);
    }
    ({ fn, sn } = s);
  }
  // Step 7 (first half); the caller compares the second root.
  if (!fr.equals(root1)) throw new ProofError('consistency proof does not lead to the first root');
  return sr;
}

/** Throws ProofError unless the tree (size1, root1) is a prefix of the tree (size2, root2). */
export function checkConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const calculated = rootFromConsistencyProof(size1, size2, proof, root1);
  if (!(root2 instanceof Uint8Array)) throw new ProofError('root2 is not a byte array');
  if (!calculated.equals(root2)) {
    throw new ProofError(
      size1 === size2
        ? 'equal sizes but different roots'
        : 'consistency proof does not lead to the second root',
    );
  }
}

/** RFC 9162 §2.1.4.2 consistency verification: true when the proof holds. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  return holds(() => checkConsistency(size1, size2, proof, root1, root2));
}

function holds(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof ProofError) return false;
    throw err;
  }
}
