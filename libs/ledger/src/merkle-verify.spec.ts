import { hex, probes, readTestdata, vectors } from '../test/merkle-fixtures';
import { EMPTY_ROOT, leafHash } from './merkle-hash';
import { MerkleTree } from './merkle-tree';
import {
  checkConsistency,
  checkInclusion,
  ProofError,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle-verify';

const flip = (proof: Buffer[], k: number, bit: number): Buffer[] =>
  proof.map((h, i) => {
    const copy = Buffer.from(h);
    if (i === k) copy[bit >> 3] ^= 1 << (bit & 7);
    return copy;
  });

describe('verification of the RFC 6962 vectors', () => {
  const inclusion = vectors.inclusion_proofs.filter((p) => p.leaf_index !== null);

  it.each(inclusion.map((p) => [p.leaf_index!, p.tree_size, p] as const))(
    'inclusion of leaf %i in tree %i verifies',
    (index, size, p) => {
      expect(leafHash(hex(p.leaf_hex!)).toString('hex')).toBe(p.leaf_hash);
      const proof = p.path!.map(hex);
      expect(verifyInclusion(hex(p.leaf_hash!), index, size, proof, hex(p.root!))).toBe(true);
      expect(rootFromInclusionProof(hex(p.leaf_hash!), index, size, proof).toString('hex')).toBe(
        p.root,
      );
    },
  );

  it('rejects the degenerate {0, 0, nil} vector', () => {
    expect(verifyInclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(() => checkInclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)).toThrow(/not below tree size/);
  });

  it.each(vectors.consistency_proofs.map((p) => [p.size1, p.size2, p] as const))(
    'consistency %i -> %i verifies',
    (size1, size2, p) => {
      const proof = p.path.map(hex);
      expect(verifyConsistency(size1, size2, proof, hex(p.root1), hex(p.root2))).toBe(true);
      expect(rootFromConsistencyProof(size1, size2, proof, hex(p.root1)).toString('hex')).toBe(
        p.root2,
      );
    },
  );
});

describe('transparency-dev probes (negatives included)', () => {
  it('has all 98 inclusion and 98 consistency probes, 12 of them valid', () => {
    expect(probes.inclusion).toHaveLength(98);
    expect(probes.consistency).toHaveLength(98);
    const valid = [...probes.inclusion, ...probes.consistency].filter((p) => !p.want_error);
    expect(valid).toHaveLength(12);
  });

  it('the hex probes are the original testdata files, field for field', () => {
    const testdata = readTestdata();
    expect(testdata.size).toBe(196);
    const b64hex = (s: unknown) => Buffer.from(s as string, 'base64').toString('hex');
    const proofHex = (p: unknown) => ((p as string[] | null) ?? []).map(b64hex);
    for (const p of probes.inclusion) {
      const t = testdata.get(p.file)!;
      expect(t).toBeDefined();
      expect([t.leafIdx, t.treeSize, t.wantErr]).toEqual([p.leaf_index, p.tree_size, p.want_error]);
      expect([b64hex(t.leafHash), b64hex(t.root), proofHex(t.proof)]).toEqual([
        p.leaf_hash,
        p.root,
        p.path,
      ]);
    }
    for (const p of probes.consistency) {
      const t = testdata.get(p.file)!;
      expect(t).toBeDefined();
      expect([t.size1, t.size2, t.wantErr]).toEqual([p.size1, p.size2, p.want_error]);
      expect([b64hex(t.root1), b64hex(t.root2), proofHex(t.proof)]).toEqual([
        p.root1,
        p.root2,
        p.path,
      ]);
    }
  });

  it.each(probes.inclusion.map((p) => [p.file, p.want_error ? 'reject' : 'accept', p] as const))(
    '%s: %s',
    (_file, _verdict, p) => {
      const args = [
        hex(p.leaf_hash),
        p.leaf_index,
        p.tree_size,
        p.path.map(hex),
        hex(p.root),
      ] as const;
      expect(verifyInclusion(...args)).toBe(!p.want_error);
      if (p.want_error) expect(() => checkInclusion(...args)).toThrow(ProofError);
    },
  );

  it.each(probes.consistency.map((p) => [p.file, p.want_error ? 'reject' : 'accept', p] as const))(
    '%s: %s',
    (_file, _verdict, p) => {
      const args = [p.size1, p.size2, p.path.map(hex), hex(p.root1), hex(p.root2)] as const;
      expect(verifyConsistency(...args)).toBe(!p.want_error);
      if (p.want_error) expect(() => checkConsistency(...args)).toThrow(ProofError);
    },
  );
});

describe('every proof of every tree up to 64 leaves', () => {
  const tree = new MerkleTree();
  for (let i = 0; i < 64; i++) tree.append(leafHash(Buffer.from(`leaf ${i}`)));
  const roots = Array.from({ length: 65 }, (_, n) => tree.root(n));
  const leaf = (i: number) => tree.perfect(0, i);
  const flipRoot = (root: Buffer, bit: number) => flip([root], 0, bit)[0];

  // Thousands of checks each: misbehaviours are collected and compared once, which keeps the
  // suite fast and the failure message readable.
  it('inclusion: verifies, and fails on a flipped bit, another leaf, index or size', () => {
    const wrong: string[] = [];
    const expectVerdict = (want: boolean, what: string, got: boolean) => {
      if (got !== want) wrong.push(what);
    };
    let checked = 0;
    for (let size = 1; size <= 64; size++) {
      const root = roots[size];
      for (let index = 0; index < size; index++) {
        const at = `leaf ${index} of ${size}`;
        const proof = tree.inclusionProof(index, size);
        const l = leaf(index);
        expectVerdict(
          true,
          `${at}: longer than log2 n`,
          proof.length <= Math.ceil(Math.log2(size)),
        );
        expectVerdict(true, at, verifyInclusion(l, index, size, proof, root));
        proof.forEach((_, k) => {
          const bad = flip(proof, k, (index * 31 + k * 7) % 256);
          expectVerdict(
            false,
            `${at}: element ${k} flipped`,
            verifyInclusion(l, index, size, bad, root),
          );
        });
        const bit = (size + index) % 256;
        expectVerdict(
          false,
          `${at}: leaf flipped`,
          verifyInclusion(flipRoot(l, bit), index, size, proof, root),
        );
        expectVerdict(
          false,
          `${at}: root flipped`,
          verifyInclusion(l, index, size, proof, flipRoot(root, bit)),
        );
        if (size > 1) {
          const other = (index + 1) % size;
          expectVerdict(false, `${at}: other index`, verifyInclusion(l, other, size, proof, root));
          expectVerdict(
            false,
            `${at}: other leaf`,
            verifyInclusion(leaf(other), index, size, proof, root),
          );
        }
        if (size < 64) {
          expectVerdict(
            false,
            `${at}: size + 1`,
            verifyInclusion(l, index, size + 1, proof, roots[size + 1]),
          );
        }
        expectVerdict(
          false,
          `${at}: extra element`,
          verifyInclusion(l, index, size, [...proof, EMPTY_ROOT], root),
        );
        if (proof.length > 0) {
          expectVerdict(
            false,
            `${at}: truncated`,
            verifyInclusion(l, index, size, proof.slice(1), root),
          );
        }
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(2080);
  });

  it('consistency: verifies, and fails on a flipped bit, swapped roots or a wrong length', () => {
    const wrong: string[] = [];
    const expectVerdict = (want: boolean, what: string, got: boolean) => {
      if (got !== want) wrong.push(what);
    };
    let checked = 0;
    for (let to = 1; to <= 64; to++) {
      for (let from = 1; from <= to; from++) {
        const at = `${from} -> ${to}`;
        const [r1, r2] = [roots[from], roots[to]];
        const proof = tree.consistencyProof(from, to);
        expectVerdict(
          true,
          `${at}: longer than log2 n + 1`,
          proof.length <= Math.ceil(Math.log2(to)) + 1,
        );
        expectVerdict(true, at, verifyConsistency(from, to, proof, r1, r2));
        proof.forEach((_, k) => {
          const bad = flip(proof, k, (from * 13 + to + k * 7) % 256);
          expectVerdict(
            false,
            `${at}: element ${k} flipped`,
            verifyConsistency(from, to, bad, r1, r2),
          );
        });
        const bit = (from + to) % 256;
        expectVerdict(
          false,
          `${at}: root1 flipped`,
          verifyConsistency(from, to, proof, flipRoot(r1, bit), r2),
        );
        expectVerdict(
          false,
          `${at}: root2 flipped`,
          verifyConsistency(from, to, proof, r1, flipRoot(r2, bit)),
        );
        if (from < to) {
          expectVerdict(false, `${at}: swapped roots`, verifyConsistency(from, to, proof, r2, r1));
          expectVerdict(
            false,
            `${at}: truncated`,
            verifyConsistency(from, to, proof.slice(1), r1, r2),
          );
          const longer = [...proof, EMPTY_ROOT];
          expectVerdict(false, `${at}: extra element`, verifyConsistency(from, to, longer, r1, r2));
          if (to < 64) {
            expectVerdict(
              false,
              `${at}: to + 1`,
              verifyConsistency(from, to + 1, proof, r1, roots[to + 1]),
            );
          }
          if (from > 1) {
            expectVerdict(
              false,
              `${at}: from - 1`,
              verifyConsistency(from - 1, to, proof, roots[from - 1], r2),
            );
          }
        }
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(2080);
  });

  it('flipping any one of the 256 bits of any proof element fails (sizes 7, 8 and 13)', () => {
    const accepted: string[] = [];
    for (const size of [7, 8, 13]) {
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        for (let k = 0; k < proof.length; k++) {
          for (let bit = 0; bit < 256; bit++) {
            if (verifyInclusion(leaf(index), index, size, flip(proof, k, bit), roots[size])) {
              accepted.push(`inclusion ${index}/${size} element ${k} bit ${bit}`);
            }
          }
        }
      }
      for (let from = 1; from < size; from++) {
        const proof = tree.consistencyProof(from, size);
        for (let k = 0; k < proof.length; k++) {
          for (let bit = 0; bit < 256; bit++) {
            if (verifyConsistency(from, size, flip(proof, k, bit), roots[from], roots[size])) {
              accepted.push(`consistency ${from}->${size} element ${k} bit ${bit}`);
            }
          }
        }
      }
    }
    expect(accepted).toEqual([]);
  });
});

describe('input rules', () => {
  const tree = new MerkleTree();
  for (let i = 0; i < 10; i++) tree.append(leafHash(Buffer.from([i])));
  const leaf3 = tree.perfect(0, 3);

  it('refuses proof elements that are not 32 bytes, saying which', () => {
    const proof = tree.inclusionProof(3, 10);
    for (const bad of [Buffer.concat([proof[1], Buffer.from([0])]), proof[1].subarray(1)]) {
      const tampered = [proof[0], bad, ...proof.slice(2)];
      expect(verifyInclusion(leaf3, 3, 10, tampered, tree.root(10))).toBe(false);
      expect(() => checkInclusion(leaf3, 3, 10, tampered, tree.root(10))).toThrow(
        `proof element 1 is ${bad.length} bytes, not 32`,
      );
    }
    const cproof = tree.consistencyProof(3, 10);
    cproof[0] = Buffer.alloc(31);
    expect(() => checkConsistency(3, 10, cproof, tree.root(3), tree.root(10))).toThrow(
      'proof element 0 is 31 bytes',
    );
  });

  it('refuses leaf hashes that are not 32 bytes, and reports a wrong proof length', () => {
    expect(() => checkInclusion(Buffer.alloc(0), 0, 1, [], Buffer.alloc(0))).toThrow(
      /leaf hash is 0 bytes/,
    );
    expect(() => checkInclusion(leaf3, 3, 10, [], tree.root(10))).toThrow(
      /wrong proof size 0, want 4/,
    );
  });

  it('refuses indexes and sizes that are not safe non-negative integers', () => {
    const proof = tree.inclusionProof(3, 10);
    for (const [index, size] of [
      [-1, 10],
      [3.5, 10],
      [NaN, 10],
      [3, 2 ** 53],
      [2 ** 64, 10],
      [10, 10],
    ]) {
      expect(verifyInclusion(leaf3, index, size, proof, tree.root(10))).toBe(false);
    }
    expect(verifyConsistency(3, 2 ** 53, [], tree.root(3), tree.root(3))).toBe(false);
  });

  it('refuses a consistency proof from size 0, even with an empty proof and equal roots', () => {
    expect(() => checkConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toThrow(
      /empty tree proves nothing/,
    );
    expect(verifyConsistency(0, 10, [], EMPTY_ROOT, tree.root(10))).toBe(false);
  });

  it('needs an empty proof and equal roots for equal sizes', () => {
    expect(verifyConsistency(10, 10, [], tree.root(10), tree.root(10))).toBe(true);
    expect(() => checkConsistency(10, 10, [tree.root(10)], tree.root(10), tree.root(10))).toThrow(
      /empty proof/,
    );
    expect(() => checkConsistency(10, 10, [], tree.root(10), tree.root(9))).toThrow(
      /different roots/,
    );
  });

  it('refuses size2 below size1 and an empty proof between different sizes', () => {
    expect(() => checkConsistency(5, 4, [], tree.root(5), tree.root(4))).toThrow(/below size1/);
    expect(() => checkConsistency(4, 5, [], tree.root(4), tree.root(5))).toThrow(/empty proof/);
  });

  it("leaves the caller's buffers alone", () => {
    const proof = tree.inclusionProof(3, 10);
    const before = proof.map((h) => h.toString('hex'));
    rootFromInclusionProof(leaf3, 3, 10, proof);
    expect(proof.map((h) => h.toString('hex'))).toEqual(before);
  });
});
