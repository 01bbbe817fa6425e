import { rowsOf, SqlExecutor } from './sql-executor';

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

/**
 * Appends a batch with one statement (arrays through unnest: no 65,535-parameter limit).
 * Indexes are assigned by the caller, the single sequencer holding the tree-state row lock.
 */
export async function insertEntries(db: SqlExecutor, rows: LedgerEntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ledger_entries
       (idx, event_id, entry_type, action, refusal_code, event_time, recorded_at, actor_org, entry, leaf_hash)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                          $6::timestamptz[], $7::timestamptz[], $8::text[], $9::bytea[], $10::bytea[])`,
    [
      rows.map((r) => r.index),
      rows.map((r) => r.eventId),
      rows.map((r) => r.entryType),
      rows.map((r) => r.action),
      rows.map((r) => r.refusalCode),
      rows.map((r) => r.eventTime),
      rows.map((r) => r.recordedAt),
      rows.map((r) => r.actorOrg),
      rows.map((r) => r.entry),
      rows.map((r) => r.leafHash),
    ],
  );
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
  const rows = await rowsOf<{
    event_id: string;
    idx: string;
    entry_type: 'event' | 'alert';
    refusal_code: string | null;
  }>(
    db,
    `SELECT event_id, idx, entry_type, refusal_code FROM ledger_entries WHERE event_id = ANY($1::text[])`,
    [eventIds],
  );
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
