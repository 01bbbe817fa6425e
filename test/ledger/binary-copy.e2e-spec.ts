import {
  COPY_UNITS,
  copyIn,
  encodeEntries,
  encodeUnits,
  insertEntries,
  isoInstantMicros,
  LedgerEntryRow,
  UnitRow,
  writeUnits,
} from '@trace/ledger-store';
import { createTestEnvironment, databaseClient, TestEnvironment } from '@trace/testing';
import { createHash } from 'node:crypto';
import { Client } from 'pg';

const unit = (serial: string, extra: Partial<UnitRow> = {}): UnitRow => ({
  gtin: '09506000134352',
  serial,
  lot: 'L1',
  expiry: '2028-12-31',
  state: 'ANNOUNCED',
  previousState: null,
  custodianOrg: 'IMP-1',
  locationCode: 'BW-A',
  parent: null,
  holdReason: null,
  declarationNo: 'D-1',
  approvalNo: null,
  shipmentId: null,
  destinationOrg: null,
  patientRef: null,
  prescriptionId: null,
  dispensedAt: null,
  dispensedBy: null,
  lastIndex: 7,
  updatedAt: '2026-11-23T10:00:00.123Z',
  ...extra,
});

/**
 * The sequencer writes entries and projections with binary COPY, encoding timestamps and
 * dates itself. What it stores must be exactly what the SQL path (the server parsing the
 * text) stores, or the rebuild and the readers would see other values.
 */
describe('binary COPY writes the same rows as SQL', () => {
  let env: TestEnvironment;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = databaseClient(env.cfg, 'app');
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await env?.teardown();
  });

  it('parses ISO 8601 instants to the microsecond the server would', async () => {
    const instants = [
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T10:00:00Z',
      '2026-06-01T10:00:00.1Z',
      '2026-06-01T10:00:00.123456Z',
      '2026-06-01T10:00:00.000001+08:00',
      '2026-06-01T00:30:00-09:30',
      '2026-02-28T23:59:59.999999+14:00',
      '2024-02-29T12:00:00.5-00:00',
      '1999-12-31T23:59:59.999999Z',
      '2000-01-01T00:00:00Z',
      '1970-01-01T00:00:00.000Z',
      '2099-12-31T23:59:59.999Z',
    ];
    for (const at of instants) {
      const { rows } = await db.query(
        `SELECT ((extract(epoch FROM $1::timestamptz) - 946684800) * 1000000)::bigint AS micros`,
        [at],
      );
      expect([at, isoInstantMicros(at)]).toEqual([at, Number(rows[0].micros)]);
    }
  });

  it('leaves to SQL what it does not parse exactly', () => {
    for (const odd of [
      '2026-06-01 10:00:00Z', // space instead of T
      '2026-06-01T10:00:00', // no offset: the session time zone would decide
      '2026-06-01T10:00:00.1234567Z', // the server rounds beyond microseconds
      '2026-02-30T10:00:00Z',
      '2026-06-01T24:00:00Z',
      '2026-06-01T10:00:60Z',
      '0999-06-01T10:00:00Z',
      '2026-06-01T10:00:00+0800',
      'not a time',
    ]) {
      expect([odd, isoInstantMicros(odd)]).toEqual([odd, null]);
    }
    const row: LedgerEntryRow = {
      index: 0,
      eventId: 'e',
      entryType: 'event',
      action: 'ANNOUNCE',
      refusalCode: null,
      eventTime: '2026-06-01 10:00:00+08',
      recordedAt: '2026-06-01T10:00:00.000Z',
      actorOrg: 'IMP-1',
      entry: Buffer.from('{}'),
      leafHash: Buffer.alloc(32),
    };
    expect(encodeEntries([row])).toBeNull();
  });

  it('stores units exactly as the SQL insert does', async () => {
    const units = [
      unit('U1'),
      unit('U2', {
        state: 'DISPENSED',
        previousState: 'HOSPITAL_STOCK',
        locationCode: null,
        parent: '(00)095060001343520001',
        holdReason: 'tab\there, "quotes", back\\slash, 汉字 and 😀',
        approvalNo: 'A-1',
        patientRef: 'p'.repeat(200),
        prescriptionId: 'RX-1',
        dispensedAt: '2026-11-23T18:30:00.5+08:00',
        dispensedBy: 'pharmacist-1',
        lastIndex: 2 ** 40 + 3,
      }),
    ];
    await db.query('BEGIN');
    try {
      await writeUnits(db, units, []);
      const bySql = (await db.query(`SELECT * FROM units ORDER BY serial`)).rows;
      await db.query('DELETE FROM units');
      await copyIn(db, COPY_UNITS, encodeUnits(units));
      const byCopy = (await db.query(`SELECT * FROM units ORDER BY serial`)).rows;
      expect(byCopy).toEqual(bySql);
      expect(bySql).toHaveLength(2);
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('stores entries exactly as the SQL insert does', async () => {
    const rows: LedgerEntryRow[] = ['{"a":1}', '{"b":"汉字"}'].map((text, i) => {
      const entry = Buffer.from(text);
      return {
        index: i,
        eventId: `urn:uuid:copy-${i}`,
        entryType: i === 0 ? 'event' : 'alert',
        action: 'ANNOUNCE',
        refusalCode: i === 0 ? null : 'UNKNOWN_SERIAL',
        eventTime: i === 0 ? '2026-06-01T10:00:00.000Z' : '2026-06-01T18:00:00.123456+08:00',
        recordedAt: '2026-11-23T10:00:00.001Z',
        actorOrg: 'IMP-1',
        entry,
        leafHash: createHash('sha256').update(entry).digest(),
      };
    });
    const select = `SELECT * FROM ledger_entries ORDER BY idx`;
    await db.query('BEGIN');
    let bySql: unknown[];
    try {
      // Through an executor without a pg connection: the SQL path.
      await insertEntries({ query: (sql, params) => db.query(sql, params) }, rows);
      bySql = (await db.query(select)).rows;
    } finally {
      await db.query('ROLLBACK');
    }
    await db.query('BEGIN');
    try {
      await insertEntries(db, rows);
      expect((await db.query(select)).rows).toEqual(bySql);
      expect(bySql).toHaveLength(2);
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('fails the transaction on a refused row, and leaves the connection usable', async () => {
    const row = (serial: string) => unit(serial);
    await db.query('BEGIN');
    try {
      await expect(
        copyIn(db, COPY_UNITS, encodeUnits([row('DUP'), row('DUP')])),
      ).rejects.toMatchObject({ code: '23505' });
    } finally {
      await db.query('ROLLBACK');
    }
    expect((await db.query(`SELECT count(*)::int AS n FROM units`)).rows[0].n).toBe(0);
  });
});
