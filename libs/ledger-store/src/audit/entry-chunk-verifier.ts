import { CompactRange, leafHash } from '@trace/ledger';
import { HASH_SIZE, TILE_WIDTH } from '../tile-layout';

/**
 * Entries per audit chunk: a power of two, and chunks start at multiples of it, so that each
 * full chunk is one perfect subtree of the log (its nodes can be computed and checked with no
 * knowledge of the rest) and the whole tree is the chunk roots' tree on top.
 */
export const AUDIT_CHUNK_LEVEL = 14;
export const AUDIT_CHUNK = 2 ** AUDIT_CHUNK_LEVEL;

export interface AuditProblem {
  /** The first entry found wrong (or the first index of a range that cannot be narrowed). */
  index: number;
  problem: string;
}

/**
 * Stored entries as the audit reads them, by position in the chunk: rows read with SQL, or
 * binary COPY tuples read in place (no object or string per entry on the hot path).
 */
export interface EntryRows {
  readonly count: number;
  idx(i: number): number;
  /** The event id column, UTF-8. */
  eventId(i: number): Uint8Array;
  entry(i: number): Uint8Array;
  leafHash(i: number): Uint8Array;
}

/** One stored entry as SQL returns it. */
export interface AuditRow {
  idx: number;
  eventId: string;
  entry: Uint8Array;
  leafHash: Uint8Array;
}

export function rowsOfSql(rows: AuditRow[]): EntryRows {
  const ids = rows.map((r) => Buffer.from(r.eventId, 'utf8'));
  return {
    count: rows.length,
    idx: (i) => rows[i].idx,
    eventId: (i) => ids[i],
    entry: (i) => rows[i].entry,
    leafHash: (i) => rows[i].leafHash,
  };
}

/** A stored tile: `hashes` holds the nodes of `level` from `tileIndex * 256` on. */
export interface StoredTile {
  level: number;
  tileIndex: number;
  hashes: Uint8Array;
}

export interface ChunkInput {
  /** Index the chunk's first entry must have (a multiple of AUDIT_CHUNK). */
  start: number;
  rows: EntryRows;
  /** The stored tiles holding the chunk's nodes, levels 0…AUDIT_CHUNK_LEVEL. */
  tiles: StoredTile[];
  /** Tree sizes within (start, start + rows] at which the edge is wanted (checkpoints). */
  cutSizes: number[];
}

export interface ChunkResult {
  start: number;
  /** Entries that passed every entry check, from `start` on, before the first that did not. */
  verified: number;
  entryProblem: AuditProblem | null;
  /** The first node of the chunk's subtree, in creation order, that is not stored as computed. */
  tileProblem: AuditProblem | null;
  /** The perfect subtrees of [start, size) at each wanted size, largest first. */
  cuts: { size: number; edge: Uint8Array[] }[];
  /** The perfect subtrees of [start, start + verified), largest first. */
  edge: Uint8Array[];
}

/**
 * Checks one chunk of consecutive entries, with no database and no knowledge of the rest of
 * the log (so chunks can be checked in parallel, in worker threads): each entry's index, its
 * bytes against its stored leaf hash, the index and event id it states, and every node of the
 * chunk's subtree against the stored tiles. Stops at the first bad entry.
 */
export function verifyEntryChunk(input: ChunkInput): ChunkResult {
  const { start, rows } = input;
  const range = new CompactRange();
  const tiles = tileIndex(input.tiles);
  const wanted = new Set(input.cutSizes);
  const cuts: ChunkResult['cuts'] = [];
  let entryProblem: AuditProblem | null = null;
  let tileProblem: AuditProblem | null = null;
  for (let i = 0; i < rows.count; i++) {
    const expected = start + i;
    const leaf = leafHash(rows.entry(i));
    entryProblem = entryFault(rows, i, expected, leaf);
    if (entryProblem) break;
    const created = range.append(leaf);
    if (!tileProblem) {
      for (const node of created) {
        const index = node.index + start / 2 ** node.level;
        if (!storedNodeIs(tiles, node.level, index, node.hash)) {
          tileProblem = {
            index: index * 2 ** node.level,
            problem: `stored tree node ${node.level}/${index} is wrong or missing`,
          };
          break;
        }
      }
    }
    if (wanted.has(start + range.size))
      cuts.push({ size: start + range.size, edge: range.hashes() });
  }
  return { start, verified: range.size, entryProblem, tileProblem, cuts, edge: range.hashes() };
}

function entryFault(
  rows: EntryRows,
  i: number,
  expected: number,
  leaf: Buffer,
): AuditProblem | null {
  const idx = rows.idx(i);
  if (idx !== expected) {
    return {
      index: expected,
      problem: `entry ${expected} is missing (next stored index is ${idx})`,
    };
  }
  if (!leaf.equals(rows.leafHash(i))) {
    return { index: expected, problem: 'entry bytes do not hash to the stored leaf hash' };
  }
  const entry = rows.entry(i);
  const rowEventId = rows.eventId(i);
  const scanned = scanClaims(entry);
  if (scanned !== undefined && scanned.index === expected) {
    const id = scanned.eventId;
    if (id.end - id.start === rowEventId.length && sameRange(entry, id.start, rowEventId)) {
      return null;
    }
  }
  // Something is off, or the scan was not sure: decide (and word it) from the parsed entry.
  const claims = envelopeClaims(entry);
  if (claims === null) return { index: expected, problem: 'entry bytes are not JSON' };
  if (claims.index !== expected) {
    return {
      index: expected,
      problem: `entry states index ${String(claims.index)}: moved or swapped`,
    };
  }
  const eventId = utf8(rowEventId);
  if (claims.eventId !== eventId) {
    return {
      index: expected,
      problem: `entry states event ${String(claims.eventId)} but the row says ${eventId}`,
    };
  }
  return null;
}

/** The `index` and `eventId` an entry states, or null when its bytes are not JSON. */
export function envelopeClaims(bytes: Uint8Array): { index: unknown; eventId: unknown } | null {
  let envelope: { index?: unknown; eventId?: unknown } | null;
  try {
    envelope = JSON.parse(utf8(bytes));
  } catch {
    return null;
  }
  return { index: envelope?.index, eventId: envelope?.eventId };
}

const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const INDEX_KEY = Buffer.from('"index"');
const EVENT_ID_KEY = Buffer.from('"eventId"');

/**
 * The index and the event id's byte range an entry states, from a scan of its top-level
 * members, or undefined when the scan is not sure (escapes, odd numbers, malformed text): then
 * JSON.parse decides. Entries are RFC 8785 text, so the scan finds both without building the
 * object; JSON.parse of every entry was the audit's largest cost.
 */
function scanClaims(
  b: Uint8Array,
): { index: number; eventId: { start: number; end: number } } | undefined {
  const n = b.length;
  if (n < 2 || b[0] !== 0x7b) return undefined;
  const bytes = Buffer.from(b.buffer, b.byteOffset, n);
  let depth = 0;
  let keyNext = false;
  let index: number | undefined;
  let eventId: { start: number; end: number } | undefined;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c === QUOTE) {
      const from = i;
      const to = stringEnd(b, i);
      if (to < 0) return undefined;
      i = to + 1;
      if (depth !== 1 || !keyNext) continue;
      keyNext = false;
      if (b[i] !== 0x3a) return undefined; // ':' right after a key, as RFC 8785 writes it
      if (sameRange(b, from, INDEX_KEY) && INDEX_KEY.length === i - from) {
        if (index !== undefined) return undefined; // a repeated key: JSON.parse's reading
        const end = integerEnd(b, i + 1);
        if (end < 0) return undefined;
        index = Number(bytes.toString('latin1', i + 1, end));
        if (!Number.isSafeInteger(index)) return undefined;
        i = end;
      } else if (sameRange(b, from, EVENT_ID_KEY) && EVENT_ID_KEY.length === i - from) {
        if (eventId !== undefined || b[i + 1] !== QUOTE) return undefined;
        const end = stringEnd(b, i + 1);
        if (end < 0) return undefined;
        for (let k = i + 2; k < end; k++) if (b[k] === BACKSLASH) return undefined;
        eventId = { start: i + 2, end };
        i = end + 1;
      } else {
        i++;
      }
      // Members are in code-unit order: "index" comes after "eventId", so both are known,
      // unless a key repeats later (JSON.parse keeps the last): then JSON.parse decides.
      if (index !== undefined && eventId !== undefined) {
        return mentionsKeysAfter(b, i) ? undefined : { index, eventId };
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      depth++;
      keyNext = depth === 1;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) return undefined;
    } else if (c === 0x2c && depth === 1) {
      keyNext = true;
    }
    i++;
  }
  return undefined; // not both found: JSON.parse says what the entry holds
}

/** Whether "index" or "eventId" appears in b[from…): a JS loop, cheaper than two native searches. */
function mentionsKeysAfter(b: Uint8Array, from: number): boolean {
  for (let k = from; k < b.length; k++) {
    if (b[k] === QUOTE && (sameRange(b, k, INDEX_KEY) || sameRange(b, k, EVENT_ID_KEY)))
      return true;
  }
  return false;
}

/** The closing quote of the string opening at `open` (escapes skipped), or -1. */
function stringEnd(b: Uint8Array, open: number): number {
  // A plain loop: strings here are short, and a native search costs more per call.
  for (let i = open + 1; i < b.length; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** End of a plain integer value (digits, optional minus) starting at `from`, or -1. */
function integerEnd(b: Uint8Array, from: number): number {
  let i = from;
  if (b[i] === 0x2d) i++;
  const digits = i;
  while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) i++;
  if (i === digits || (b[i] !== 0x2c && b[i] !== 0x7d)) return -1;
  if (b[digits] === 0x30 && i - digits > 1) return -1; // a leading zero is not JSON
  return i;
}

/** Whether b[from, from + key.length) is `key`. */
function sameRange(b: Uint8Array, from: number, key: Uint8Array): boolean {
  if (from + key.length > b.length) return false;
  for (let k = 0; k < key.length; k++) if (b[from + k] !== key[k]) return false;
  return true;
}

type TileIndex = Map<number, Map<number, Uint8Array>>;

function tileIndex(tiles: StoredTile[]): TileIndex {
  const byLevel: TileIndex = new Map();
  for (const t of tiles) {
    let level = byLevel.get(t.level);
    if (!level) byLevel.set(t.level, (level = new Map()));
    level.set(t.tileIndex, t.hashes);
  }
  return byLevel;
}

function storedNodeIs(tiles: TileIndex, level: number, index: number, hash: Uint8Array): boolean {
  const tile = tiles.get(level)?.get(Math.floor(index / TILE_WIDTH));
  if (!tile) return false;
  const at = (index % TILE_WIDTH) * HASH_SIZE;
  if (tile.length < at + HASH_SIZE) return false;
  for (let k = 0; k < HASH_SIZE; k++) if (tile[at + k] !== hash[k]) return false;
  return true;
}

/** The tiles (level, first, last tile index) that hold the nodes of [start, start + count). */
export function tileRangesOf(
  start: number,
  count: number,
): { level: number; from: number; to: number }[] {
  const ranges: { level: number; from: number; to: number }[] = [];
  for (let level = 0; level <= AUDIT_CHUNK_LEVEL; level++) {
    const first = start / 2 ** level;
    const end = Math.floor((start + count) / 2 ** level); // nodes [first, end) are complete
    if (end <= first) break;
    ranges.push({
      level,
      from: Math.floor(first / TILE_WIDTH),
      to: Math.floor((end - 1) / TILE_WIDTH),
    });
  }
  return ranges;
}
