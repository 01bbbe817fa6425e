import vectors from '../test/fixtures/merkle/rfc6962-vectors.json';
import probes from '../test/fixtures/merkle/transparency-dev-probes.hex.json';
import { CompactRange } from './compact-range';
import { EMPTY_ROOT, leafHash } from './merkle-hash';
import { MerkleTree, rootFromLeafHashes } from './merkle-tree';
import { verifyConsistency, verifyInclusion } from './merkle-verify';

const hex = (s: string) => Buffer.from(s, 'hex');
const leaves = (vectors.leaves_hex as string[]).map(hex);
const tree = new MerkleTree();
leaves.forEach((l) => tree.append(leafHash(l)));

describe('RFC 9162 tree hashing: the standard 8 leaves', () => {
  it('hashes the leaves as the vectors say', () => {
    expect(leaves.map((l) => leafHash(l).toString('hex'))).toEqual(vectors.leaf_hashes);
  });

  it.each(Object.entries(vectors.roots_by_tree_size as Record<string, string>))(
    'root of size %s',
    (size, root) => {
      expect(tree.root(Number(size)).toString('hex')).toBe(root);
      expect(rootFromLeafHashes(leaves.slice(0, Number(size)).map(leafHash)).toString('hex')).toBe(
        root,
      );
    },
  );

  it('stores the perfect nodes of every level as the vectors say', () => {
    const levels = vectors.node_hashes_by_level.levels as string[][];
    levels.forEach((level, l) =>
      level.forEach((h, i) => expect(tree.perfect(l, i).toString('hex')).toBe(h)),
    );
  });

  it('has the empty root', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  const inclusion = (vectors.inclusion_proofs as any[]).filter((p) => p.leaf_index !== null);
  it.each(inclusion.map((p) => [p.leaf_index, p.tree_size, p]))(
    'inclusion proof of leaf %i in tree %i: generated and verified',
    (index, size, p) => {
      expect(tree.inclusionProof(index, size).map((h) => h.toString('hex'))).toEqual(p.path);
      expect(verifyInclusion(hex(p.leaf_hash), index, size, p.path.map(hex), hex(p.root))).toBe(
        true,
      );
    },
  );

  it.each((vectors.consistency_proofs as any[]).map((p) => [p.size1, p.size2, p]))(
    'consistency proof %i → %i: generated and verified',
    (size1, size2, p) => {
      if (size1 > 0) {
        expect(tree.consistencyProof(size1, size2).map((h) => h.toString('hex'))).toEqual(
          size1 === size2 ? [] : p.path,
        );
      }
      expect(verifyConsistency(size1, size2, p.path.map(hex), hex(p.root1), hex(p.root2))).toBe(
        true,
      );
    },
  );
});

describe('transparency-dev probes (negatives included)', () => {
  const p = probes as { inclusion: any[]; consistency: any[] };
  const cases = (list: any[]): [string, any][] => list.map((x) => [x.file, x]);
  it('has 98 inclusion and 98 consistency probes', () => {
    expect(p.inclusion).toHaveLength(98);
    expect(p.consistency).toHaveLength(98);
  });

  it.each(cases(p.inclusion))('inclusion %s', (_file, x) => {
    const ok = verifyInclusion(
      hex(x.leaf_hash),
      x.leaf_index,
      x.tree_size,
      x.path.map(hex),
      hex(x.root),
    );
    expect(ok).toBe(!x.want_error);
  });

  it.each(cases(p.consistency))('consistency %s', (_file, x) => {
    const ok = verifyConsistency(x.size1, x.size2, x.path.map(hex), hex(x.root1), hex(x.root2));
    expect(ok).toBe(!x.want_error);
  });
});

describe('generated proofs for every size up to 64', () => {
  const big = new MerkleTree();
  for (let i = 0; i < 64; i++) big.append(leafHash(Buffer.from(`leaf ${i}`)));

  it('every inclusion proof verifies, and a flipped bit anywhere fails', () => {
    for (let size = 1; size <= 64; size++) {
      const root = big.root(size);
      for (let index = 0; index < size; index++) {
        const proof = big.inclusionProof(index, size);
        const leaf = big.perfect(0, index);
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        proof.forEach((_, k) => {
          const bad = proof.map((h) => Buffer.from(h));
          bad[k][k % 32] ^= 1;
          expect(verifyInclusion(leaf, index, size, bad, root)).toBe(false);
        });
        if (size > 1)
          expect(verifyInclusion(leaf, (index + 1) % size, size, proof, root)).toBe(false);
      }
    }
  });

  it('every consistency proof verifies, and a flipped bit anywhere fails', () => {
    for (let to = 1; to <= 64; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = big.consistencyProof(from, to);
        expect(verifyConsistency(from, to, proof, big.root(from), big.root(to))).toBe(true);
        proof.forEach((_, k) => {
          const bad = proof.map((h) => Buffer.from(h));
          bad[k][0] ^= 0x80;
          expect(verifyConsistency(from, to, bad, big.root(from), big.root(to))).toBe(false);
        });
      }
    }
  });

  it('refuses proof elements that are not 32 bytes', () => {
    const proof = big.inclusionProof(3, 10);
    proof[0] = Buffer.concat([proof[0], Buffer.from([0])]);
    expect(verifyInclusion(big.perfect(0, 3), 3, 10, proof, big.root(10))).toBe(false);
  });
});

describe('CompactRange', () => {
  it('gives the same root and the same nodes as the full tree, and survives a round trip', () => {
    const full = new MerkleTree();
    let range = new CompactRange();
    for (let i = 0; i < 300; i++) {
      const leaf = leafHash(Buffer.from(`x${i}`));
      full.append(leaf);
      for (const node of range.append(leaf)) {
        expect(node.hash.equals(full.perfect(node.level, node.index))).toBe(true);
      }
      expect(range.root().equals(full.root())).toBe(true);
      if (i % 37 === 0) range = CompactRange.fromHashes(range.size, range.hashes());
    }
    expect(new CompactRange().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('refuses hashes that do not fit the size', () => {
    expect(() => CompactRange.fromHashes(3, [EMPTY_ROOT])).toThrow(/needs 2 hashes/);
  });
});
