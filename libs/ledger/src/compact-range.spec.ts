import { CompactRange } from './compact-range';
import { EMPTY_ROOT, leafHash } from './merkle-hash';
import { CreatedNode, MerkleTree, rootFromLeafHashes } from './merkle-tree';

const hashes = Array.from({ length: 301 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const key = (n: CreatedNode) => `${n.level}/${n.index}/${n.hash.toString('hex')}`;

describe('CompactRange', () => {
  it('has the RFC 9162 root for every size from 0 to 300', () => {
    const range = new CompactRange();
    const wrong: number[] = [];
    for (let size = 0; size <= 300; size++) {
      if (!range.root().equals(rootFromLeafHashes(hashes.slice(0, size)))) wrong.push(size);
      range.append(hashes[size]);
    }
    expect(wrong).toEqual([]);
    expect(new CompactRange().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('emits exactly the perfect nodes MerkleTree stores, in the same order', () => {
    const range = new CompactRange();
    const tree = new MerkleTree();
    const fromRange: string[] = [];
    const fromTree: string[] = [];
    for (const h of hashes.slice(0, 300)) {
      fromRange.push(...range.append(h).map(key));
      fromTree.push(...tree.append(h).map(key));
    }
    expect(fromRange).toEqual(fromTree);
    // Each node once: 300 leaves and 300 - popcount(300) = 296 interior nodes.
    expect(new Set(fromRange).size).toBe(596);
  });

  it('extends by a batch with the same result as one leaf at a time', () => {
    const one = new CompactRange();
    hashes.slice(0, 77).forEach((h) => one.append(h));
    const batch = new CompactRange();
    const created = [
      ...batch.appendAll(hashes.slice(0, 40)),
      ...batch.appendAll(hashes.slice(40, 77)),
    ];
    expect(batch.size).toBe(77);
    expect(batch.root().equals(one.root())).toBe(true);
    // 77 leaves make 77 - popcount(77) = 73 interior nodes.
    expect(created.filter((n) => n.level === 0)).toHaveLength(77);
    expect(created.filter((n) => n.level > 0)).toHaveLength(73);
  });

  it('keeps at most log2(n) hashes and survives a JSON round trip at any size', () => {
    let range = new CompactRange();
    for (let size = 0; size <= 300; size++) {
      expect(range.hashes().length).toBe(size.toString(2).replace(/0/g, '').length);
      const json = JSON.parse(JSON.stringify(range));
      expect(json.size).toBe(size);
      const back = CompactRange.fromJSON(json);
      expect(back.root().equals(range.root())).toBe(true);
      // Continue from the restored copy: it must extend exactly like the original.
      if (size % 17 === 0) range = back;
      if (size % 29 === 0) range = CompactRange.fromHashes(range.size, range.hashes());
      range.append(hashes[size]);
    }
    expect(range.root().equals(rootFromLeafHashes(hashes))).toBe(true);
  });

  it('clones independently', () => {
    const a = new CompactRange();
    hashes.slice(0, 5).forEach((h) => a.append(h));
    const b = a.clone();
    b.append(hashes[5]);
    expect(a.size).toBe(5);
    expect(a.root().equals(rootFromLeafHashes(hashes.slice(0, 5)))).toBe(true);
    expect(b.root().equals(rootFromLeafHashes(hashes.slice(0, 6)))).toBe(true);
  });

  it('does not let callers change its state through returned buffers', () => {
    const range = new CompactRange();
    const leaf = Buffer.from(hashes[0]);
    range.append(leaf);
    leaf[0] ^= 1;
    range.hashes()[0][0] ^= 1;
    range.root()[0] ^= 1;
    expect(range.root().equals(hashes[0])).toBe(true);
  });

  it('refuses state that does not fit the size, and malformed input', () => {
    expect(() => CompactRange.fromHashes(3, [EMPTY_ROOT])).toThrow('size 3 needs 2 hashes, got 1');
    expect(() => CompactRange.fromHashes(2, [Buffer.alloc(31)])).toThrow(/not 32 bytes/);
    expect(() => CompactRange.fromHashes(-1, [])).toThrow(/non-negative/);
    expect(() => CompactRange.fromJSON({ size: 1 })).toThrow(/{size, hashes}/);
    expect(() => CompactRange.fromJSON({ size: 1, hashes: ['not base64!'] })).toThrow(/base64/);
    expect(() => CompactRange.fromJSON({ size: '1', hashes: [] })).toThrow(/non-negative/);
    expect(() => new CompactRange().append(Buffer.alloc(33))).toThrow(/32 bytes/);
  });

  it('restores large sizes: the edge of 2^40 + 5 has three subtrees', () => {
    const edge = [hashes[0], hashes[1], hashes[2]];
    const range = CompactRange.fromHashes(2 ** 40 + 5, edge);
    const created = range.append(hashes[3]);
    // 2^40 + 5 is ...101: the new leaf pairs with the level-0 edge node only.
    expect(created.map((n) => [n.level, n.index])).toEqual([
      [0, 2 ** 40 + 5],
      [1, 2 ** 39 + 2],
    ]);
    expect(range.hashes()).toHaveLength(3);
  });
});
