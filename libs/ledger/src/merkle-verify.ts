import { HASH_SIZE, nodeHash } from './merkle-hash';

/**
 * RFC 9162 §2.1.3.2 / §2.1.4.2 verification, in the formulation of transparency-dev/merkle
 * (whose probes the tests run). A verifier recomputes everything it is handed: nothing
 * supplied is trusted but the roots it is asked to check against.
 */
export class ProofError extends Error {}

const big = (n: number, what: string): bigint => {
  if (!(Number.isSafeInteger(n) && n >= 0))
    throw new ProofError(`${what} must be a count, got ${n}`);
  return BigInt(n);
};

const bitLength = (x: bigint) => (x === 0n ? 0 : x.toString(2).length);
const onesCount = (x: bigint) => [...x.toString(2)].filter((c) => c === '1').length;
const trailingZeros = (x: bigint) => {
  let n = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
};

function checkElements(proof: Uint8Array[]) {
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE)
      throw new ProofError(`proof element ${i} is ${h.length} bytes, not 32`);
  });
}

/** Inner part: levels where the paths to `index` and to the last leaf differ. */
function decompose(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  const border = onesCount(index >> BigInt(inner));
  return { inner, border };
}

function chainInner(seed: Buffer, proof: Uint8Array[], index: bigint): Buffer {
  proof.forEach((h, i) => {
    seed = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(seed, h) : nodeHash(h, seed);
  });
  return seed;
}

function chainInnerRight(seed: Buffer, proof: Uint8Array[], index: bigint): Buffer {
  proof.forEach((h, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) seed = nodeHash(h, seed);
  });
  return seed;
}

function chainBorderRight(seed: Buffer, proof: Uint8Array[]): Buffer {
  for (const h of proof) seed = nodeHash(h, seed);
  return seed;
}

/** The root an inclusion proof leads to (throws on a malformed proof). */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
): Buffer {
  const i = big(index, 'index');
  const n = big(size, 'size');
  if (i >= n) throw new ProofError(`index ${index} is beyond tree size ${size}`);
  if (leafHash.length !== HASH_SIZE) throw new ProofError('leaf hash is not 32 bytes');
  checkElements(proof);
  const { inner, border } = decompose(i, n);
  if (proof.length !== inner + border) {
    throw new ProofError(`wrong proof size ${proof.length}, want ${inner + border}`);
  }
  const res = chainInner(Buffer.from(leafHash), proof.slice(0, inner), i);
  return chainBorderRight(res, proof.slice(inner));
}

/** Throws ProofError unless `proof` proves `leafHash` at `index` in the tree with `root`. */
export function checkInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): void {
  const calculated = rootFromInclusionProof(leafHash, index, size, proof);
  if (!calculated.equals(Buffer.from(root))) {
    throw new ProofError('inclusion proof leads to another root');
  }
}

export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  return succeeds(() => checkInclusion(leafHash, index, size, proof, root));
}

/** Throws ProofError unless the tree (size1, root1) is a prefix of (size2, root2). */
export function checkConsistency(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const n1 = big(size1, 'size1');
  const n2 = big(size2, 'size2');
  checkElements(proof);
  const r1 = Buffer.from(root1);
  const r2 = Buffer.from(root2);
  // Nothing can be proved about the empty tree; a "proof" from size 0 is refused outright.
  if (n1 === 0n) throw new ProofError('a consistency proof from size 0 proves nothing');
  if (n2 < n1) throw new ProofError(`size2 (${size2}) < size1 (${size1})`);
  if (n1 === n2) {
    if (proof.length > 0) throw new ProofError('equal sizes need an empty proof');
    if (!r1.equals(r2)) throw new ProofError('equal sizes but different roots');
    return;
  }
  if (proof.length === 0) throw new ProofError('empty proof');
  const d = decompose(n1 - 1n, n2);
  const shift = trailingZeros(n1);
  const inner = d.inner - shift;
  let seed: Buffer;
  let start: number;
  if (n1 === 1n << BigInt(shift)) {
    seed = r1;
    start = 0;
  } else {
    seed = Buffer.from(proof[0]);
    start = 1;
  }
  if (proof.length !== start + inner + d.border) {
    throw new ProofError(`wrong proof size ${proof.length}, want ${start + inner + d.border}`);
  }
  const rest = proof.slice(start);
  const mask = (n1 - 1n) >> BigInt(shift);
  const hash1 = chainBorderRight(
    chainInnerRight(seed, rest.slice(0, inner), mask),
    rest.slice(inner),
  );
  if (!hash1.equals(r1)) throw new ProofError('consistency proof does not lead to the first root');
  const hash2 = chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!hash2.equals(r2)) throw new ProofError('consistency proof does not lead to the second root');
}

export function verifyConsistency(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  return succeeds(() => checkConsistency(size1, size2, proof, root1, root2));
}

function succeeds(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof ProofError) return false;
    throw err;
  }
}
