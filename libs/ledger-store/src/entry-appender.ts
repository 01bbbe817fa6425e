import { BinaryCopyBuffer, canCopy, copyIn, encodedOrNull } from './binary-copy';
import { packBytes } from './packed-bytes';
import { rowsOf, SqlExecutor } from './sql-executor';
import { gated, SqlParams, WriteGate } from './sql-params';

/** One row of ledger_entries: the exact hashed bytes plus columns for lookups. */
export interface LedgerEntryRow {
  index: number;
  eventId: string;
  entryType: 'event' | 'alert';
  action: string;
  refusalCode: string | null;
  eventTime: string;
  recordedAt: string;
  actorOrg: string;
  entry: Buffer;
  leafHash: Buffer;
}

const COPY_ENTRIES = `COPY ledger_entries
  (idx, event_id, entry_type, action, refusal_code, event_time, recorded_at, actor_org, entry, leaf_hash)
  FROM STDIN (FORMAT binary)`;

/** The rows as binary COPY data, or null when a value must go through SQL (Unencodable). */
export function encodeEntries(rows: LedgerEntryRow[]): Buffer | null {
  let size = 0;
  for (const r of rows) size += r.entry.length + 300;
  return encodedOrNull(() => {
    const out = new BinaryCopyBuffer(size);
    for (const r of rows) {
      out.row(10);
      out.int8(r.index);
      out.text(r.eventId);
      out.text(r.entryType);
      out.text(r.action);
      out.text(r.refusalCode);
      out.timestamptz(r.eventTime);
      out.timestamptz(r.recordedAt);
      out.text(r.actorOrg);
      out.bytes(r.entry);
      out.bytes(r.leafHash);
    }
    return out.finish();
  });
}

/**
 * Appends a batch with one statement: binary COPY (`encoded`, from encodeEntries, may be
 * passed in when it was prepared ahead), or else arrays through unnest (no 65,535-parameter
 * limit; the bytes packed into one binary parameter).
 * Indexes are assigned by the caller, the single sequencer holding the tree-state row lock.
 */
export async function insertEntries(
  db: SqlExecutor,
  rows: LedgerEntryRow[],
  encoded?: Buffer | null,
): Promise<void> {
  if (rows.length === 0) return;
  if (canCopy(db)) {
    const data = encoded === undefined ? encodeEntries(rows) : encoded;
    if (data) return copyIn(db, COPY_ENTRIES, data);
  }
  const p = new SqlParams();
  await db.query(entriesInsertSql(p, rows, null), p.values);
}

/**
 * INSERT of the rows as SQL: arrays through unnest (no 65,535-parameter limit), the bytes
 * packed into one binary parameter. `gate`: see WriteGate.
 */
export function entriesInsertSql(p: SqlParams, rows: LedgerEntryRow[], gate: WriteGate): string {
  const entries = packBytes(rows.map((r) => r.entry));
  const hashes = packBytes(rows.map((r) => r.leafHash));
  const entryBlob = p.add(entries.blob, 'bytea');
  const hashBlob = p.add(hashes.blob, 'bytea');
  const k = p.unnest(rows, [
    ['idx', 'bigint', (r) => r.index],
    ['event_id', 'text', (r) => r.eventId],
    ['entry_type', 'text', (r) => r.entryType],
    ['action', 'text', (r) => r.action],
    ['refusal_code', 'text', (r) => r.refusalCode],
    ['event_time', 'timestamptz', (r) => r.eventTime],
    ['recorded_at', 'timestamptz', (r) => r.recordedAt],
    ['actor_org', 'text', (r) => r.actorOrg],
    ['e_off', 'int', (_, i) => entries.offsets[i]],
    ['e_len', 'int', (_, i) => entries.lengths[i]],
    ['h_off', 'int', (_, i) => hashes.offsets[i]],
  ]);
  return `INSERT INTO ledger_entries
       (idx, event_id, entry_type, action, refusal_code, event_time, recorded_at, actor_org, entry, leaf_hash)
     SELECT k.idx, k.event_id, k.entry_type, k.action, k.refusal_code, k.event_time, k.recorded_at,
            k.actor_org, substring(${entryBlob} FROM k.e_off FOR k.e_len),
            substring(${hashBlob} FROM k.h_off FOR 32)
       FROM ${gated(gate)}${k}`;
}

export interface SequencedEvent {
  eventId: string;
  index: number;
  entryType: 'event' | 'alert';
  refusalCode: string | null;
}

/** Events already in the log (a redelivered job): their earlier verdict is the answer. */
export async function findSequenced(
  db: SqlExecutor,
  eventIds: string[],
): Promise<Map<string, SequencedEvent>> {
  if (eventIds.length === 0) return new Map();
  const p = new SqlParams();
  return sequencedFromRows(await rowsOf<SequencedRow>(db, sequencedSql(p, eventIds), p.values));
}

/** A row of sequencedSql (as columns, or as a JSON object with the same names). */
export interface SequencedRow {
  event_id: string;
  idx: string | number;
  entry_type: 'event' | 'alert';
  refusal_code: string | null;
}

/** The SELECT of findSequenced, for a statement that reads more besides. */
export function sequencedSql(p: SqlParams, eventIds: string[]): string {
  return `SELECT event_id, idx, entry_type, refusal_code FROM ledger_entries
     WHERE event_id = ANY(${p.add(eventIds, 'text[]')})`;
}

export function sequencedFromRows(rows: SequencedRow[]): Map<string, SequencedEvent> {
  return new Map(
    rows.map((r) => [
      r.event_id,
      {
        eventId: r.event_id,
        index: Number(r.idx),
        entryType: r.entry_type,
        refusalCode: r.refusal_code,
      },
    ]),
  );
}
