import type { UnitSnapshot } from '@trace/domain';
import { BinaryCopyBuffer } from './binary-copy';
import { rowsOf, SqlExecutor } from './sql-executor';
import { gated, SqlParams, WriteGate } from './sql-params';

/** A row of the `units` projection: the domain's snapshot plus where it came from. */
export interface UnitRow extends UnitSnapshot {
  lastIndex: number;
  updatedAt: string;
}

export const unitKey = (gtin: string, serial: string) => `${gtin}\u0000${serial}`;

const COLUMNS = [
  ['gtin', 'text'],
  ['serial', 'text'],
  ['lot', 'text'],
  ['expiry', 'date'],
  ['state', 'text'],
  ['previous_state', 'text'],
  ['custodian_org', 'text'],
  ['location_code', 'text'],
  ['parent', 'text'],
  ['hold_reason', 'text'],
  ['declaration_no', 'text'],
  ['approval_no', 'text'],
  ['shipment_id', 'text'],
  ['destination_org', 'text'],
  ['patient_ref', 'text'],
  ['prescription_id', 'text'],
  ['dispensed_at', 'timestamptz'],
  ['dispensed_by', 'text'],
  ['last_index', 'bigint'],
  ['updated_at', 'timestamptz'],
] as const;

const FIELD: Record<string, keyof UnitRow> = {
  gtin: 'gtin',
  serial: 'serial',
  lot: 'lot',
  expiry: 'expiry',
  state: 'state',
  previous_state: 'previousState',
  custodian_org: 'custodianOrg',
  location_code: 'locationCode',
  parent: 'parent',
  hold_reason: 'holdReason',
  declaration_no: 'declarationNo',
  approval_no: 'approvalNo',
  shipment_id: 'shipmentId',
  destination_org: 'destinationOrg',
  patient_ref: 'patientRef',
  prescription_id: 'prescriptionId',
  dispensed_at: 'dispensedAt',
  dispensed_by: 'dispensedBy',
  last_index: 'lastIndex',
  updated_at: 'updatedAt',
};

const SELECT_LIST = COLUMNS.map(([c]) =>
  c === 'expiry'
    ? `to_char(u.expiry, 'YYYY-MM-DD') AS expiry`
    : c === 'dispensed_at' || c === 'updated_at'
      ? `to_char(u.${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${c}`
      : `u.${c}`,
).join(', ');

/**
 * A subquery giving the unit with the given key (SQL expressions) as a JSON array of its row as
 * decisions read it, or `[]`: the form `unitsFromRows` takes. A service that reads a pack
 * anyway hands this to the sequencer with its event (`unitsAsRead`, ADR 0018).
 */
export function unitAsReadSql(gtin: string, serial: string): string {
  return `(SELECT coalesce(json_agg(r), '[]') FROM (SELECT ${SELECT_LIST} FROM units u
            WHERE u.gtin = ${gtin} AND u.serial = ${serial}) r)`;
}

/**
 * A projection row, written out as one literal so that every row shares one V8 map (see
 * copySnapshot in the domain): the sequencer reads thousands of them per batch.
 */
export function unitRow(
  snapshot: UnitSnapshot,
  gtin: string,
  serial: string,
  lastIndex: number,
  updatedAt: string,
): UnitRow {
  return {
    gtin,
    serial,
    lot: snapshot.lot,
    expiry: snapshot.expiry,
    state: snapshot.state,
    previousState: snapshot.previousState,
    custodianOrg: snapshot.custodianOrg,
    locationCode: snapshot.locationCode,
    parent: snapshot.parent,
    holdReason: snapshot.holdReason,
    declarationNo: snapshot.declarationNo,
    approvalNo: snapshot.approvalNo,
    shipmentId: snapshot.shipmentId,
    destinationOrg: snapshot.destinationOrg,
    patientRef: snapshot.patientRef,
    prescriptionId: snapshot.prescriptionId,
    dispensedAt: snapshot.dispensedAt,
    dispensedBy: snapshot.dispensedBy,
    lastIndex,
    updatedAt,
  };
}

function fromDb(row: Record<string, unknown>): UnitRow {
  const snapshot: Record<string, unknown> = {};
  for (const [column] of COLUMNS) snapshot[FIELD[column]] = row[column];
  const unit = snapshot as unknown as UnitRow;
  return unitRow(unit, unit.gtin, unit.serial, Number(row.last_index), unit.updatedAt);
}

/** Current state of the named units, in one query. */
export async function loadUnits(
  db: SqlExecutor,
  refs: { gtin: string; serial: string }[],
): Promise<Map<string, UnitRow>> {
  if (refs.length === 0) return new Map();
  const p = new SqlParams();
  return unitsFromRows(await rowsOf<Record<string, unknown>>(db, unitsByKeySql(p, refs), p.values));
}

/** The SELECT of loadUnits, for a statement that reads more besides. */
export function unitsByKeySql(p: SqlParams, refs: { gtin: string; serial: string }[]): string {
  // One primary-key lookup per pack. OFFSET 0 stops the planner from flattening this into a
  // hash join over the whole table, which it picks whenever statistics lag (measured: 30 ms
  // instead of 1 ms at 100k units).
  return `SELECT ${SELECT_LIST} FROM ${p.unnest(refs, [
    ['gtin', 'text', (r) => r.gtin],
    ['serial', 'text', (r) => r.serial],
  ])}
       CROSS JOIN LATERAL (SELECT * FROM units WHERE gtin = k.gtin AND serial = k.serial OFFSET 0) u`;
}

/** Rows of unitsByKeySql (as columns, or as JSON objects with the same names), by unitKey. */
export function unitsFromRows(rows: Record<string, unknown>[]): Map<string, UnitRow> {
  const out = new Map<string, UnitRow>();
  for (const row of rows) {
    const unit = fromDb(row);
    out.set(unitKey(unit.gtin, unit.serial), unit);
  }
  return out;
}

/** Units of the given containers (pallets or cases) and of containers inside them. */
export async function loadUnitsInContainers(db: SqlExecutor, ssccs: string[]): Promise<UnitRow[]> {
  if (ssccs.length === 0) return [];
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    `WITH RECURSIVE tree(sscc) AS (
       SELECT unnest($1::text[])
       UNION SELECT c.sscc FROM containers c JOIN tree t ON c.parent = t.sscc)
     SELECT ${SELECT_LIST} FROM units u JOIN tree t ON u.parent = t.sscc`,
    [ssccs],
  );
  return rows.map(fromDb);
}

/**
 * Writes the given units: new ones with a plain INSERT, known ones with an UPDATE (the caller
 * knows which: it loaded them).
 */
export async function writeUnits(
  db: SqlExecutor,
  created: UnitRow[],
  updated: UnitRow[],
): Promise<void> {
  if (created.length > 0) {
    const p = new SqlParams();
    await db.query(unitsInsertSql(p, created, null), p.values);
  }
  if (updated.length > 0) {
    const p = new SqlParams();
    await db.query(unitsUpdateSql(p, updated, null), p.values);
  }
}

const NAMES = COLUMNS.map(([c]) => c);

/**
 * Rows travel as one JSON array (json_populate_recordset), which the server parses faster
 * than twenty text arrays.
 */
function unitsJson(p: SqlParams, units: UnitRow[]): string {
  return p.add(
    JSON.stringify(
      units.map((u) => {
        const row: Record<string, unknown> = {};
        for (const c of NAMES) row[c] = u[FIELD[c]] ?? null;
        return row;
      }),
    ),
    'json',
  );
}

/**
 * A condition that holds while the `seen` units are exactly those rows (in every column a
 * decision reads) and the `absent` ones do not exist: what a decision made on rows read by
 * someone else must check when it is written (ADR 0018).
 */
export function unitsStillAsSeenSql(
  p: SqlParams,
  seen: UnitRow[],
  absent: { gtin: string; serial: string }[],
): string {
  const parts: string[] = [];
  if (seen.length > 0) {
    const row = (alias: string) => `ROW(${NAMES.map((c) => `${alias}.${c}`).join(', ')})`;
    parts.push(`NOT EXISTS (SELECT 1
         FROM ${unitsAsRows(p, seen)} k
         LEFT JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial
        WHERE u.gtin IS NULL OR ${row('u')} IS DISTINCT FROM ${row('k')})`);
  }
  if (absent.length > 0) {
    const keys = p.unnest(absent, [
      ['gtin', 'text', (r) => r.gtin],
      ['serial', 'text', (r) => r.serial],
    ]);
    parts.push(`NOT EXISTS (SELECT 1 FROM (SELECT * FROM ${keys} LIMIT ${absent.length}) k
         JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial)`);
  }
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

/**
 * The rows as a set the planner knows the size of. It guesses 100 rows for any set-returning
 * function, and against a units table of up to ~40,000 rows a hash join over all of it then
 * looks cheaper than that many key lookups: a counter's one-unit write read the whole table
 * (measured: 2.8 ms at 20,000 units). The LIMIT tells it how few there are.
 */
function unitsAsRows(p: SqlParams, units: UnitRow[]): string {
  return `(SELECT * FROM json_populate_recordset(NULL::units, ${unitsJson(p, units)}) LIMIT ${units.length})`;
}

/** INSERT of new units (no ON CONFLICT: that would cost a speculative insertion per row). */
export function unitsInsertSql(p: SqlParams, units: UnitRow[], gate: WriteGate): string {
  return `INSERT INTO units (${NAMES.join(', ')})
       SELECT ${NAMES.map((c) => `k.${c}`).join(', ')}
         FROM ${gated(gate)}json_populate_recordset(NULL::units, ${unitsJson(p, units)}) k`;
}

/** UPDATE of known units to the given rows. */
export function unitsUpdateSql(p: SqlParams, units: UnitRow[], gate: WriteGate): string {
  return `UPDATE units u SET ${NAMES.filter((c) => c !== 'gtin' && c !== 'serial')
    .map((c) => `${c} = k.${c}`)
    .join(', ')}
         FROM ${gated(gate)}${unitsAsRows(p, units)} k
        WHERE u.gtin = k.gtin AND u.serial = k.serial`;
}

/** `COPY units (…)` of new units: the same rows as writeUnits' INSERT. */
export const COPY_UNITS = `COPY units (${COLUMNS.map(([c]) => c).join(', ')}) FROM STDIN (FORMAT binary)`;

/** New units as binary COPY data for COPY_UNITS; throws Unencodable (then use writeUnits). */
export function encodeUnits(units: UnitRow[]): Buffer {
  const out = new BinaryCopyBuffer(units.length * 256);
  // In COLUMNS order, written out: a loop over the column list costs more than the rows.
  for (const u of units) {
    out.row(20);
    out.text(u.gtin);
    out.text(u.serial);
    out.text(u.lot);
    out.date(u.expiry);
    out.text(u.state);
    out.text(u.previousState);
    out.text(u.custodianOrg);
    out.text(u.locationCode);
    out.text(u.parent);
    out.text(u.holdReason);
    out.text(u.declarationNo);
    out.text(u.approvalNo);
    out.text(u.shipmentId);
    out.text(u.destinationOrg);
    out.text(u.patientRef);
    out.text(u.prescriptionId);
    out.timestamptz(u.dispensedAt);
    out.text(u.dispensedBy);
    out.int8(u.lastIndex);
    out.timestamptz(u.updatedAt);
  }
  return out.finish();
}

export const COPY_UNIT_EVENTS = 'COPY unit_events (gtin, serial, idx) FROM STDIN (FORMAT binary)';

/** Unit index rows as binary COPY data for COPY_UNIT_EVENTS (rows must be distinct). */
export function encodeUnitEvents(rows: { gtin: string; serial: string; index: number }[]): Buffer {
  const out = new BinaryCopyBuffer(rows.length * 48);
  for (const r of rows) {
    out.row(3);
    out.text(r.gtin);
    out.text(r.serial);
    out.int8(r.index);
  }
  return out.finish();
}

export async function insertUnitEvents(
  db: SqlExecutor,
  rows: { gtin: string; serial: string; index: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  const p = new SqlParams();
  await db.query(unitEventsInsertSql(p, rows, null), p.values);
}

export function unitEventsInsertSql(
  p: SqlParams,
  rows: { gtin: string; serial: string; index: number }[],
  gate: WriteGate,
): string {
  return `INSERT INTO unit_events (gtin, serial, idx)
       SELECT k.* FROM ${gated(gate)}${p.unnest(rows, [
         ['gtin', 'text', (r) => r.gtin],
         ['serial', 'text', (r) => r.serial],
         ['idx', 'bigint', (r) => r.index],
       ])}
     ON CONFLICT DO NOTHING`;
}

export interface StockDelta {
  custodianOrg: string;
  locationCode: string | null;
  gtin: string;
  lot: string;
  state: string;
  delta: number;
}

/** Applies summed stock movements; rows that reach zero are removed. */
export async function applyStockDeltas(db: SqlExecutor, deltas: StockDelta[]): Promise<void> {
  // Removals first: a row updated first could then read as reaching zero a second time.
  for (const statement of stockDeltaSql(deltas)) {
    const p = new SqlParams();
    await db.query(statement(p, null), p.values);
  }
}

/**
 * The statements of summed stock movements: remove the rows a decrement brings to zero,
 * decrement the others, add the increments. Each row is touched by one of them only, so they
 * may also run as parts of one statement.
 */
export function stockDeltaSql(deltas: StockDelta[]): ((p: SqlParams, gate: WriteGate) => string)[] {
  const summed = new Map<string, StockDelta>();
  for (const d of deltas) {
    const key = [d.custodianOrg, d.locationCode ?? '', d.gtin, d.lot, d.state].join('\u0000');
    const prev = summed.get(key);
    if (prev) prev.delta += d.delta;
    else summed.set(key, { ...d });
  }
  const rows = [...summed.values()].filter((d) => d.delta !== 0);
  const keys = (p: SqlParams, list: StockDelta[]) =>
    p.unnest(list, [
      ['custodian_org', 'text', (r) => r.custodianOrg],
      ['location_code', 'text', (r) => r.locationCode ?? ''],
      ['gtin', 'text', (r) => r.gtin],
      ['lot', 'text', (r) => r.lot],
      ['state', 'text', (r) => r.state],
      ['delta', 'int', (r) => r.delta],
    ]);
  const match = `s.custodian_org = k.custodian_org AND s.location_code = k.location_code
       AND s.gtin = k.gtin AND s.lot = k.lot AND s.state = k.state`;
  const down = rows.filter((r) => r.delta < 0);
  const up = rows.filter((r) => r.delta > 0);
  const statements: ((p: SqlParams, gate: WriteGate) => string)[] = [];
  if (down.length > 0) {
    statements.push(
      (p, gate) =>
        `DELETE FROM stock_counts s USING ${gated(gate)}${keys(p, down)}
          WHERE ${match} AND s.units + k.delta = 0`,
      // An UPDATE, not an upsert: an INSERT would check units >= 0 on the proposed row.
      (p, gate) =>
        `UPDATE stock_counts s SET units = s.units + k.delta FROM ${gated(gate)}${keys(p, down)}
          WHERE ${match} AND s.units + k.delta <> 0`,
    );
  }
  if (up.length > 0) {
    statements.push(
      (p, gate) =>
        `INSERT INTO stock_counts AS s (custodian_org, location_code, gtin, lot, state, units)
         SELECT k.* FROM ${gated(gate)}${keys(p, up)}
         ON CONFLICT (custodian_org, location_code, gtin, lot, state) DO UPDATE SET units = s.units + EXCLUDED.units`,
    );
  }
  return statements;
}
