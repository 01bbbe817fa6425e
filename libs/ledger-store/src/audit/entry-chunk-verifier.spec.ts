import { CompactRange, leafHash } from '@trace/ledger';
import { BinaryCopyBuffer } from '../binary-copy';
import { AuditRow, rowsOfSql, StoredTile, verifyEntryChunk } from './entry-chunk-verifier';
import { parseEntryTuples } from './entry-copy-stream';

const entry = (index: unknown, eventId: unknown, extra: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({ action: 'ANNOUNCE', epcis: { index: 7 }, eventId, index, ...extra }),
  );

const row = (idx: number, bytes: Buffer, eventId = `e${idx}`): AuditRow => ({
  idx,
  eventId,
  entry: bytes,
  leafHash: leafHash(bytes),
});

/** The stored tiles of a correct tree over `rows`, as the sequencer writes them. */
function tilesOf(rows: AuditRow[]): StoredTile[] {
  const range = new CompactRange();
  const byTile = new Map<string, { level: number; tileIndex: number; hashes: Buffer[] }>();
  for (const r of rows) {
    for (const node of range.append(r.leafHash)) {
      const tileIndex = Math.floor(node.index / 256);
      const key = `${node.level}/${tileIndex}`;
      if (!byTile.has(key)) byTile.set(key, { level: node.level, tileIndex, hashes: [] });
      byTile.get(key)!.hashes.push(node.hash);
    }
  }
  return [...byTile.values()].map((t) => ({ ...t, hashes: Buffer.concat(t.hashes) }));
}

const check = (rows: AuditRow[], tiles = tilesOf(rows)) =>
  verifyEntryChunk({ start: 0, rows: rowsOfSql(rows), tiles, cutSizes: [] });

describe('verifyEntryChunk', () => {
  const good = Array.from({ length: 300 }, (_, i) => row(i, entry(i, `e${i}`)));

  it('passes a correct chunk and gives the edge of its tree', () => {
    const result = check(good);
    expect(result).toMatchObject({ verified: 300, entryProblem: null, tileProblem: null });
    const range = new CompactRange();
    good.forEach((r) => range.append(r.leafHash));
    expect(result.edge.map((h) => Buffer.from(h))).toEqual(range.hashes());
  });

  it('reads only the top-level index and event id, however the entry is written', () => {
    const cases: [Buffer, string, string | null][] = [
      // [entry, row event id, expected problem]
      [entry(0, 'e0', { refs: { index: 5, eventId: 'x' } }), 'e0', null],
      [entry(0, 'a "quoted" \\ id'), 'a "quoted" \\ id', null],
      [entry(0, 'é0'), 'é0', null],
      [
        Buffer.from('{"eventId":"e0","index":0,"index":1}'),
        'e0',
        'entry states index 1: moved or swapped',
      ],
      [entry('0', 'e0'), 'e0', 'entry states index 0: moved or swapped'],
      [Buffer.from('{"eventId":"e0","index":00}'), 'e0', 'entry bytes are not JSON'],
      [Buffer.from('{"eventId":"e0","index":0'), 'e0', 'entry bytes are not JSON'],
      [Buffer.from('{"eventId":"e0","ind\\u0065x":0}'), 'e0', null],
      [Buffer.from('{"eventId":"e\\u0030","index":0}'), 'e0', null],
      [entry(0, 'e1'), 'e0', 'entry states event e1 but the row says e0'],
      [Buffer.from('{"eventId":"e0"}'), 'e0', 'entry states index undefined: moved or swapped'],
      [Buffer.from('[0]'), 'e0', 'entry states index undefined: moved or swapped'],
    ];
    for (const [bytes, eventId, problem] of cases) {
      const result = check([row(0, bytes, eventId)]);
      expect({ entry: bytes.toString(), problem: result.entryProblem?.problem ?? null }).toEqual({
        entry: bytes.toString(),
        problem,
      });
    }
  });

  it('names the first missing index, changed byte and wrong stored node', () => {
    expect(check([good[0], good[2]]).entryProblem).toEqual({
      index: 1,
      problem: 'entry 1 is missing (next stored index is 2)',
    });
    const changed = { ...good[5], entry: Buffer.from(good[5].entry) };
    changed.entry[3] ^= 1;
    const rows = [...good.slice(0, 5), changed, ...good.slice(6)];
    expect(check(rows, tilesOf(good))).toMatchObject({
      verified: 5,
      entryProblem: { index: 5, problem: 'entry bytes do not hash to the stored leaf hash' },
    });
    const tiles = tilesOf(good);
    const level1 = tiles.find((t) => t.level === 1)!;
    (level1.hashes as Buffer)[32 * 3] ^= 1; // node 1/3 covers entries 6 and 7
    expect(check(good, tiles).tileProblem).toEqual({
      index: 6,
      problem: 'stored tree node 1/3 is wrong or missing',
    });
  });

  it('gives the edge at each wanted size', () => {
    const result = verifyEntryChunk({
      start: 0,
      rows: rowsOfSql(good),
      tiles: tilesOf(good),
      cutSizes: [1, 100, 300],
    });
    const range = new CompactRange();
    const expected = [];
    for (const r of good) {
      range.append(r.leafHash);
      if ([1, 100, 300].includes(range.size))
        expected.push({ size: range.size, edge: range.hashes() });
    }
    expect(
      result.cuts.map((c) => ({ size: c.size, edge: c.edge.map((h) => Buffer.from(h)) })),
    ).toEqual(expected);
  });
});

describe('parseEntryTuples', () => {
  it('reads binary COPY tuples of (idx, event_id, entry, leaf_hash) in place', () => {
    const rows = [row(0, entry(0, 'e0')), row(2 ** 40, entry(1, 'é1'), 'é1')];
    const out = new BinaryCopyBuffer();
    for (const r of rows) {
      out.row(4);
      out.int8(r.idx);
      out.text(r.eventId);
      out.bytes(r.entry);
      out.bytes(r.leafHash);
    }
    const data = out.finish();
    // Without the 19-byte header and the 2-byte trailer, as the COPY stream hands them over.
    const parsed = parseEntryTuples(data.subarray(19, data.length - 2), rows.length);
    expect(parsed.count).toBe(2);
    rows.forEach((r, i) => {
      expect(parsed.idx(i)).toBe(r.idx);
      expect(Buffer.from(parsed.eventId(i)).toString()).toBe(r.eventId);
      expect(Buffer.from(parsed.entry(i))).toEqual(r.entry);
      expect(Buffer.from(parsed.leafHash(i))).toEqual(r.leafHash);
    });
  });
});
