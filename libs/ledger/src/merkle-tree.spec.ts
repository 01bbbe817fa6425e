import { hex, vectors } from '../test/merkle-fixtures';
import { EMPTY_ROOT, emptyRoot, leafHash, nodeHash } from './merkle-hash';
import {
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  LeafRange,
  MerkleTree,
  PerfectNode,
  perfectNodesNeeded,
  perfectNodesOf,
  rootFromLeafHashes,
  splitPoint,
  subtreeHash,
} from './merkle-tree';

const leaves = vectors.leaves_hex.map(hex);
const tree = MerkleTree.fromLeafHashes(leaves.map(leafHash));
const toHex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));

function treeOf(n: number): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < n; i++) t.append(leafHash(Buffer.from(`leaf ${i}`)));
  return t;
}

describe('RFC 9162 hashing', () => {
  it('hashes the 8 standard leaves as the vectors say', () => {
    expect(toHex(leaves.map(leafHash))).toEqual(vectors.leaf_hashes);
  });

  it('has SHA-256("") as the empty root, and hands out copies of it', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const copy = emptyRoot();
    copy[0] ^= 1;
    expect(EMPTY_ROOT[0]).toBe(0xe3);
    expect(rootFromLeafHashes([]).equals(EMPTY_ROOT)).toBe(true);
  });

  it('hashes interior nodes as SHA-256(0x01 || left || right)', () => {
    const [l0, l1] = leaves.map(leafHash);
    expect(nodeHash(l0, l1).toString('hex')).toBe(vectors.node_hashes_by_level.levels[1][0]);
  });
});

describe('the standard 8-leaf tree', () => {
  it.each(Object.entries(vectors.roots_by_tree_size))('root of size %s', (size, root) => {
    const n = Number(size);
    expect(tree.root(n).toString('hex')).toBe(root);
    expect(rootFromLeafHashes(leaves.slice(0, n).map(leafHash)).toString('hex')).toBe(root);
    expect(subtreeHash(0, n, tree.perfect).toString('hex')).toBe(root);
  });

  it('stores every perfect node as the vectors say', () => {
    vectors.node_hashes_by_level.levels.forEach((level, l) =>
      level.forEach((h, i) => expect(tree.perfect(l, i).toString('hex')).toBe(h)),
    );
  });

  const inclusion = vectors.inclusion_proofs.filter((p) => p.leaf_index !== null);
  it.each(inclusion.map((p) => [p.leaf_index!, p.tree_size, p.path!] as const))(
    'generates the inclusion proof of leaf %i in tree %i',
    (index, size, path) => {
      expect(toHex(tree.inclusionProof(index, size))).toEqual(path);
    },
  );

  it('refuses the degenerate {0, 0, nil} vector: no leaf is in the empty tree', () => {
    expect(vectors.inclusion_proofs.some((p) => p.leaf_index === null)).toBe(true);
    expect(() => tree.inclusionProof(0, 0)).toThrow(/not below tree size 0/);
  });

  it.each(vectors.consistency_proofs.map((p) => [p.size1, p.size2, p.path] as const))(
    'generates the consistency proof %i -> %i',
    (size1, size2, path) => {
      expect(toHex(tree.consistencyProof(size1, size2))).toEqual(path);
    },
  );
});

describe('proof ranges (RFC 9162 §2.1.5 example tree of 7 leaves a..g)', () => {
  // Leaves d0..d6; hashes named as in the RFC figure: b=[1,2) h=[2,4) l=[4,7) and so on.
  it.each<[number, LeafRange[]]>([
    [
      0,
      [
        [1, 2],
        [2, 4],
        [4, 7],
      ],
    ],
    [
      3,
      [
        [2, 3],
        [0, 2],
        [4, 7],
      ],
    ],
    [
      4,
      [
        [5, 6],
        [6, 7],
        [0, 4],
      ],
    ],
    [
      6,
      [
        [4, 6],
        [0, 4],
      ],
    ],
  ])('inclusion of d%i', (index, ranges) => {
    expect(inclusionProofRanges(index, 7)).toEqual(ranges);
  });

  it.each<[number, LeafRange[]]>([
    [
      3,
      [
        [2, 3],
        [3, 4],
        [0, 2],
        [4, 7],
      ],
    ],
    [4, [[4, 7]]],
    [
      6,
      [
        [4, 6],
        [6, 7],
        [0, 4],
      ],
    ],
    [7, []],
  ])('consistency from %i leaves to 7', (from, ranges) => {
    expect(consistencyProofRanges(from, 7)).toEqual(ranges);
  });

  it('refuses impossible requests', () => {
    expect(() => inclusionProofRanges(7, 7)).toThrow(RangeError);
    expect(() => inclusionProofRanges(-1, 7)).toThrow(RangeError);
    expect(() => inclusionProofRanges(0.5, 7)).toThrow(RangeError);
    expect(() => inclusionProofRanges(0, 2 ** 53)).toThrow(RangeError);
    expect(() => consistencyProofRanges(0, 7)).toThrow(/1 <= from/);
    expect(() => consistencyProofRanges(8, 7)).toThrow(/1 <= from/);
    expect(() => splitPoint(1)).toThrow(RangeError);
  });

  it('splits at the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 40 + 1].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 2 ** 40]);
  });
});

describe('perfect nodes', () => {
  it('decomposes a subtree range into aligned perfect subtrees, largest first', () => {
    expect(perfectNodesOf(4, 7)).toEqual([
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(perfectNodesOf(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(perfectNodesOf(5, 5)).toEqual([]);
  });

  it('refuses ranges that are not subtrees of an RFC 9162 tree', () => {
    // MTH(D[1:4]) splits as [1,3) + [3,4), which no fold of perfect nodes reproduces.
    expect(() => perfectNodesOf(1, 4)).toThrow(/not a subtree/);
    expect(() => perfectNodesOf(4, 2)).toThrow(/reversed/);
  });

  it('lists exactly the nodes a proof reads: generation from that prefetch alone works', () => {
    const big = treeOf(64);
    const check = (ranges: LeafRange[], build: (read: typeof big.perfect) => Buffer[]) => {
      const needed = perfectNodesNeeded(ranges);
      const key = (n: PerfectNode) => `${n.level}/${n.index}`;
      const store = new Map(needed.map((n) => [key(n), big.perfect(n.level, n.index)]));
      expect(store.size).toBe(needed.length); // no repeats
      const read = new Set<string>();
      const proof = build((level, index) => {
        read.add(`${level}/${index}`);
        const h = store.get(`${level}/${index}`);
        if (!h) throw new Error(`node ${level}/${index} was not prefetched`);
        return h;
      });
      expect([...read].sort()).toEqual([...store.keys()].sort());
      return toHex(proof);
    };
    for (let size = 1; size <= 64; size++) {
      for (let index = 0; index < size; index++) {
        const proof = check(inclusionProofRanges(index, size), (r) =>
          inclusionProof(index, size, r),
        );
        expect(proof).toEqual(toHex(big.inclusionProof(index, size)));
      }
      for (let from = 1; from < size; from++) {
        const proof = check(consistencyProofRanges(from, size), (r) =>
          consistencyProof(from, size, r),
        );
        expect(proof).toEqual(toHex(big.consistencyProof(from, size)));
      }
    }
  });

  it('stays within log n nodes and never overflows near 2^53', () => {
    const sizes = [1_000_000, 1_048_577, 2 ** 40 + 12_345, 2 ** 53 - 1];
    for (const size of sizes) {
      const log = Math.ceil(Math.log2(size));
      for (const index of [0, 1, Math.floor(size / 3), size - 2, size - 1]) {
        const ranges = inclusionProofRanges(index, size);
        expect(ranges.length).toBeLessThanOrEqual(log);
        // The leaf and its proof ranges tile [0, size) exactly.
        const tiles = [...ranges, [index, index + 1] as const].sort((a, b) => a[0] - b[0]);
        tiles.forEach(([start, end], i) => {
          expect(start).toBe(i === 0 ? 0 : tiles[i - 1][1]);
          expect(end).toBeGreaterThan(start);
        });
        expect(tiles[tiles.length - 1][1]).toBe(size);
        expect(perfectNodesNeeded(ranges).length).toBeLessThanOrEqual(2 * log);
      }
      for (const from of [1, 2, 3, Math.floor(size / 2), size - 1]) {
        expect(consistencyProofRanges(from, size).length).toBeLessThanOrEqual(log + 1);
      }
    }
  });
});

describe('MerkleTree', () => {
  it('reports the perfect nodes each append completes', () => {
    const t = new MerkleTree();
    const [a, b, c, d] = leaves.map(leafHash);
    expect(t.append(a)).toEqual([{ level: 0, index: 0, hash: a }]);
    expect(t.append(b)).toEqual([
      { level: 0, index: 1, hash: b },
      { level: 1, index: 0, hash: nodeHash(a, b) },
    ]);
    t.append(c);
    expect(t.append(d).map((n) => [n.level, n.index])).toEqual([
      [0, 3],
      [1, 1],
      [2, 0],
    ]);
  });

  it('agrees with the RFC definition for every size up to 130', () => {
    const hashes = Array.from({ length: 130 }, (_, i) => leafHash(Buffer.from([i])));
    const t = MerkleTree.fromLeafHashes(hashes);
    for (let n = 0; n <= 130; n++) {
      expect(t.root(n).equals(rootFromLeafHashes(hashes.slice(0, n)))).toBe(true);
    }
  });

  it('hands out proofs that do not alias its stored nodes', () => {
    const t = treeOf(4);
    const proof = t.inclusionProof(0, 2);
    proof[0][0] ^= 0xff;
    expect(t.inclusionProof(0, 2)[0].equals(proof[0])).toBe(false);
  });

  it('refuses bad input and nodes it does not have', () => {
    const t = treeOf(5);
    expect(() => t.append(Buffer.alloc(31))).toThrow(/32 bytes/);
    expect(() => t.root(6)).toThrow(/has 5 leaves/);
    expect(() => t.perfect(2, 1)).toThrow(/no perfect node 2\/1/);
    expect(() => subtreeHash(0, 5, () => undefined as unknown as Buffer)).toThrow(/missing/);
    expect(() => rootFromLeafHashes([Buffer.alloc(3)])).toThrow(/32 bytes/);
  });
});
