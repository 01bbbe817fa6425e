import { addDays, utcDateOf } from '@trace/domain';
import { gs1CheckDigit } from '@trace/identifiers';
import { LedgerEventInput, LedgerQueueClient } from '@trace/queue';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import type { Client } from 'pg';
import { ledgerSteps } from '../dispensing/dispensing-fixtures';
import { DISPENSING_API_HTTP } from '../../apps/dispensing-api/src/http-options';
import { DispensingApiModule } from '../../apps/dispensing-api/src/dispensing-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import { REGULATOR_API_HTTP } from '../../apps/regulator-api/src/http-options';
import { RegulatorApiModule } from '../../apps/regulator-api/src/regulator-api.module';
import { WAREHOUSE_API_HTTP } from '../../apps/warehouse-api/src/http-options';
import { WarehouseApiModule } from '../../apps/warehouse-api/src/warehouse-api.module';

const GS = '\u001d';
const ORAL = '09506000134352';
const COLD = '09506000134369';
/** A registered product nobody holds. */
const UNSTOCKED = `0950600013437${gs1CheckDigit('0950600013437')}`;
const TODAY = utcDateOf(new Date()) as string;
const SOON = addDays(TODAY, 10);
const LATER = addDays(TODAY, 60);
const FAR = '2029-06-30';
/** Expired in March 2024; every step of its walk happened before that. */
const LONG_AGO = { expiry: '2024-03-31', at: '2024-01-10T02:00:00.000Z' };

interface Row {
  custodianCode: string;
  locationCode: string | null;
  gtin: string;
  lot: string;
  state: string;
  units: number;
  usable: number;
  notUsable: number;
  notUsableReason: string | null;
  expiredNotWithdrawn: number;
  expiryBands: Record<string, number>;
}
interface Alert {
  kind: string;
  code: string;
  time: string;
  organisationCode: string;
  units: { gtin: string; serial: string; lot: string | null }[];
  lots: { gtin: string; lot: string }[];
  detail: string;
  ledgerIndex: number | null;
  ledgerIndexes: number[];
  receipt: string | null;
  source: { type: string; id: string; status?: string };
  patientRef?: string;
}

/**
 * regulator-api's stock, exceptions and alerts over a ledger history built in a few
 * batches: packs in two hospitals and the bonded warehouse (one expired by date but still in
 * stock, one recalled, one expiring soon), refused attempts, a cold-chain excursion through
 * warehouse-api and an early take-out refill refused by dispensing-api.
 */
describe('regulator-api: stock, exceptions and alerts', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let regulator: TestApp;
  let warehouse: TestApp;
  let dispensing: TestApp;
  let db: Client;
  let reg: string;
  let auditor: string;
  let pharmacist1: string;
  let pharmacist2: string;
  let operator: string;
  let patientRef: string;
  /** The refused take-out refill's problem document. */
  let anomaly: { code: string; alertId: string; ledgerIndex: number | null };
  /** Verdicts of the refused attempts, by what was attempted. */
  const refused: Record<string, { alertIndex: number; code: string }> = {};
  const { step } = ledgerSteps('regulator-reads', ORAL, 'APP-1');

  /** A pack walked from announcement into a store, with its lot, expiry and location. */
  function walk(
    serial: string,
    where: { org: string; location: string },
    pack: { gtin?: string; lot: string; expiry: string; at?: string },
  ): LedgerEventInput[] {
    const gtin = pack.gtin ?? ORAL;
    const at = pack.at ?? new Date().toISOString();
    const units = [{ gtin, serial, lot: pack.lot, expiry: pack.expiry }];
    const s = (action: string, org: string, role: string, extra: Partial<LedgerEventInput> = {}) =>
      step(action, org, role, serial, { units, eventTime: at, ...extra }, gtin);
    const bonded = [
      s('ANNOUNCE', 'IMP-1', 'importer'),
      s('ARRIVE', 'IMP-1', 'importer'),
      s('RECEIVE_BONDED', 'BW-1', 'warehouse_operator', {
        context: { locationCode: where.org === 'BW-1' ? where.location : 'BW-1-A' },
      }),
      s('INSPECT_CONFORMANT', 'BW-1', 'warehouse_operator'),
    ];
    if (where.org === 'BW-1') return bonded;
    return [
      ...bonded,
      s('SHIP', 'BW-1', 'warehouse_operator', {
        context: { destinationOrg: where.org, customsReleased: true },
      }),
      s('RECEIVE_HOSPITAL', where.org, 'pharmacist', { context: { locationCode: where.location } }),
    ];
  }

  const get = (path: string, query: Record<string, string | number> = {}, bearer = reg) =>
    regulator.http.get(path).query(query).set('Authorization', bearer);
  const stock = (query: Record<string, string | number> = {}, bearer = reg) =>
    get('/v1/stock', query, bearer);
  const alerts = (query: Record<string, string | number> = {}, bearer = reg) =>
    get('/v1/alerts', query, bearer);
  const exceptions = (query: Record<string, string | number> = {}, bearer = reg) =>
    get('/v1/exceptions', query, bearer);
  const rowOf = (rows: Row[], lot: string, state: string) =>
    rows.find((r) => r.lot === lot && r.state === state);

  beforeAll(async () => {
    env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await db.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('BW-1', 'Warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-1', 'Hospital One', 'HOSPITAL'), ('HOSP-2', 'Hospital Two', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES
        ('BW-1-A', 'BW-1', 'Ambient store'), ('BW-1-COLD', 'BW-1', 'Cold room'),
        ('HOSP-1-PH', 'HOSP-1', 'Pharmacy'), ('HOSP-2-PH', 'HOSP-2', 'Pharmacy');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route, storage_min_c, storage_max_c) VALUES
        ('${ORAL}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL', NULL, NULL),
        ('${COLD}', 'Biologic', 'DRUG', 7, 'solution for injection', 'SUBCUTANEOUS', 2, 8),
        ('${UNSTOCKED}', 'Cream', 'DRUG', 7, 'cream', 'EXTERNAL', NULL, NULL);
      INSERT INTO approvals (approval_no, gtin, institution_code, patient_ref, indications, quantity, valid_from, valid_to, issued_by) VALUES
        ('APP-1', '${ORAL}', 'HOSP-1', NULL, '{lung cancer}', 50, '2020-01-01', '2030-12-31', 'reg');`);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    regulator = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    warehouse = await startTestApp(env.cfg, WarehouseApiModule, WAREHOUSE_API_HTTP);
    dispensing = await startTestApp(env.cfg, DispensingApiModule, DISPENSING_API_HTTP);
    reg = regulator.bearer('reg', 'REG', 'regulator');
    auditor = regulator.bearer('aud', 'REG', 'auditor');
    pharmacist1 = regulator.bearer('ph1', 'HOSP-1', 'pharmacist');
    pharmacist2 = regulator.bearer('ph2', 'HOSP-2', 'pharmacist');
    operator = regulator.bearer('op', 'BW-1', 'warehouse_operator');
    const ledger = dispensing.app.get(LedgerQueueClient);

    const hosp1 = { org: 'HOSP-1', location: 'HOSP-1-PH' };
    const accepted = await ledger.submitAndWait(
      [
        ...['H1', 'H2', 'H3', 'R1'].flatMap((s) => walk(s, hosp1, { lot: 'L1', expiry: FAR })),
        ...walk('X1', hosp1, { lot: 'LX', expiry: LONG_AGO.expiry, at: LONG_AGO.at }),
        ...walk('S1', hosp1, { lot: 'L30', expiry: SOON }),
        ...walk('K1', { org: 'HOSP-2', location: 'HOSP-2-PH' }, { lot: 'L1', expiry: FAR }),
        ...['B1', 'B2'].flatMap((s) =>
          walk(s, { org: 'BW-1', location: 'BW-1-A' }, { lot: 'L2', expiry: LATER }),
        ),
        ...['C1', 'C2'].flatMap((s) =>
          walk(s, { org: 'BW-1', location: 'BW-1-COLD' }, { gtin: COLD, lot: 'C1', expiry: FAR }),
        ),
        step('RECALL', 'REG', 'regulator', 'R1', {
          units: [{ gtin: ORAL, serial: 'R1', lot: 'L1', expiry: FAR }],
        }),
      ],
      30000,
    );
    expect(accepted.filter((v) => !v.accepted)).toEqual([]);

    // Attempts the sequencer refuses, each kept as an alert entry.
    const attempts: [string, LedgerEventInput][] = [
      [
        'ship expired',
        step('TRANSFER_SHIP', 'HOSP-1', 'pharmacist', 'X1', {
          units: [{ gtin: ORAL, serial: 'X1', lot: 'LX', expiry: LONG_AGO.expiry }],
          context: { destinationOrg: 'HOSP-2' },
        }),
      ],
      [
        'ship recalled',
        step('TRANSFER_SHIP', 'HOSP-1', 'pharmacist', 'R1', {
          context: { destinationOrg: 'HOSP-2' },
        }),
      ],
      ['receive unknown', step('RECEIVE_HOSPITAL', 'HOSP-2', 'pharmacist', 'NOPE')],
      ['announce again', step('ANNOUNCE', 'IMP-1', 'importer', 'H1')],
      [
        'announce again long ago',
        step('ANNOUNCE', 'IMP-1', 'importer', 'X1', {
          eventTime: '2024-02-01T00:00:00.000Z',
          units: [{ gtin: ORAL, serial: 'X1', lot: 'LX', expiry: LONG_AGO.expiry }],
        }),
      ],
    ];
    const verdicts = await ledger.submitAndWait(
      attempts.map(([, e]) => e),
      15000,
    );
    verdicts.forEach((v, i) => {
      if (v.accepted) throw new Error(`${attempts[i][0]} was accepted`);
      refused[attempts[i][0]] = { alertIndex: v.alertIndex, code: v.code };
    });

    // A cold-room reading out of range: the biologic's packs held, an exception opened.
    const excursion = await warehouse.http
      .post('/v1/sensor-readings')
      .set('Authorization', operator)
      .send({
        locationCode: 'BW-1-COLD',
        readings: [{ time: '2026-06-02T03:00:00+08:00', temperatureC: 12.5 }],
      })
      .expect(200);
    expect(excursion.body).toMatchObject({ held: 2 });

    // A take-out, then a refill two weeks early: refused, and now on record.
    const hospital = dispensing.bearer('ph1', 'HOSP-1', 'pharmacist');
    patientRef = (
      await dispensing.http
        .post('/v1/patients')
        .set('Authorization', hospital)
        .send({ name: '王芳', nationalId: '460000198003030033', birthDate: '1980-03-03' })
        .expect(201)
    ).body.patientRef;
    const prescribe = () =>
      dispensing.http
        .post('/v1/prescriptions')
        .set('Authorization', hospital)
        .send({
          patientRef,
          approvalNo: 'APP-1',
          gtin: ORAL,
          quantity: 1,
          indication: 'lung cancer',
          prescriber: 'dr.li',
          takeOut: { days: 14 },
        });
    const first = await prescribe().expect(201);
    await dispensing.http
      .post('/v1/dispenses')
      .set('Authorization', hospital)
      .send({
        prescriptionId: first.body.prescriptionId,
        scan: `]d201${ORAL}1729063010L1${GS}21H3`,
      })
      .expect(201);
    anomaly = (await prescribe().expect(422)).body;

    // Exceptions of other kinds and ages, as receipts would have opened them.
    await db.query(`
      INSERT INTO custody_exceptions (exception_id, type, owner_org, opened_by, opened_org, units, detail,
                                      opened_at, due_by, resolved_at, resolved_by, resolution) VALUES
        ('00000000-0000-4000-8000-000000000001', 'MISSING', 'IMP-1', 'op', 'BW-1', '[]', 'two packs short',
         now() - interval '10 days', now() - interval '5 days', NULL, NULL, NULL),
        ('00000000-0000-4000-8000-000000000002', 'UNEXPECTED', 'HOSP-1', 'ph1', 'HOSP-1', '[]', 'one pack more',
         now() - interval '3 days', now() + interval '2 days', now(), 'ph1', 'it was ours'),
        ('00000000-0000-4000-8000-000000000003', 'LOT_MISMATCH', 'BW-1', 'ph1', 'HOSP-1', '[]', 'lot differs',
         now() - interval '1 day', now() + interval '4 days', NULL, NULL, NULL)`);
  });

  afterAll(async () => {
    await db?.end();
    await dispensing?.close();
    await warehouse?.close();
    await regulator?.close();
    await writer?.close();
    await env?.teardown();
  });

  describe('GET /v1/stock', () => {
    it('lists stock by custodian × location × product × lot × state, with bands and totals', async () => {
      const res = await stock().expect(200);
      expect(res.body).toMatchObject({ asOf: TODAY, page: 1, pageSize: 50, total: 7 });
      const rows: Row[] = res.body.items;
      expect(
        rows.map((r) => [r.custodianCode, r.locationCode, r.gtin, r.lot, r.state, r.units]),
      ).toEqual([
        ['BW-1', 'BW-1-A', ORAL, 'L2', 'BONDED_STOCK', 2],
        ['BW-1', 'BW-1-COLD', COLD, 'C1', 'QUARANTINED', 2],
        ['HOSP-1', 'HOSP-1-PH', ORAL, 'L1', 'HOSPITAL_STOCK', 2],
        ['HOSP-1', 'HOSP-1-PH', ORAL, 'L1', 'RECALLED', 1],
        ['HOSP-1', 'HOSP-1-PH', ORAL, 'L30', 'HOSPITAL_STOCK', 1],
        ['HOSP-1', 'HOSP-1-PH', ORAL, 'LX', 'HOSPITAL_STOCK', 1],
        ['HOSP-2', 'HOSP-2-PH', ORAL, 'L1', 'HOSPITAL_STOCK', 1],
      ]);
      expect(res.body.totals).toEqual({
        units: 10,
        usable: 6,
        notUsable: 4,
        expiredNotWithdrawn: 1,
        expiryBands: { EXPIRED: 1, WITHIN_30_DAYS: 1, WITHIN_90_DAYS: 2, LATER: 6 },
        byState: { BONDED_STOCK: 2, QUARANTINED: 2, HOSPITAL_STOCK: 5, RECALLED: 1 },
      });
    });

    it('shows a pack expired by date but still in stock, and a recalled one, as not usable', async () => {
      const rows: Row[] = (await stock({ custodianCode: 'HOSP-1' }).expect(200)).body.items;
      expect(rowOf(rows, 'LX', 'HOSPITAL_STOCK')).toMatchObject({
        units: 1,
        usable: 0,
        notUsable: 1,
        notUsableReason: 'EXPIRED_BY_DATE',
        expiredNotWithdrawn: 1,
        expiryBands: { EXPIRED: 1, WITHIN_30_DAYS: 0, WITHIN_90_DAYS: 0, LATER: 0 },
        earliestExpiry: LONG_AGO.expiry,
      });
      expect(rowOf(rows, 'L1', 'RECALLED')).toMatchObject({
        usable: 0,
        notUsable: 1,
        notUsableReason: 'RECALLED',
        expiredNotWithdrawn: 0,
      });
      expect(rowOf(rows, 'L30', 'HOSPITAL_STOCK')).toMatchObject({
        usable: 1,
        notUsableReason: null,
        expiryBands: { EXPIRED: 0, WITHIN_30_DAYS: 1, WITHIN_90_DAYS: 0, LATER: 0 },
      });
      expect(rowOf(rows, 'L1', 'HOSPITAL_STOCK')).toMatchObject({
        usable: 2,
        expiryBands: { LATER: 2 },
      });
      const bonded: Row[] = (await stock({ custodianCode: 'BW-1' }).expect(200)).body.items;
      expect(rowOf(bonded, 'L2', 'BONDED_STOCK')?.expiryBands.WITHIN_90_DAYS).toBe(2);
      expect(rowOf(bonded, 'C1', 'QUARANTINED')).toMatchObject({
        usable: 0,
        notUsableReason: 'QUARANTINED',
      });
    });

    it.each([
      ['locationCode', 'HOSP-2-PH', 'NOWHERE-1', ['HOSP-2-PH/L1/HOSPITAL_STOCK']],
      ['gtin', COLD, UNSTOCKED, ['BW-1-COLD/C1/QUARANTINED']],
      ['lot', 'LX', 'NOLOT', ['HOSP-1-PH/LX/HOSPITAL_STOCK']],
      ['state', 'RECALLED', 'DESTROYED', ['HOSP-1-PH/L1/RECALLED']],
      ['custodianCode', 'HOSP-2', 'IMP-1', ['HOSP-2-PH/L1/HOSPITAL_STOCK']],
    ])('filters by %s (a match and a non-match)', async (name, match, miss, expected) => {
      const hit = await stock({ [name]: match }).expect(200);
      expect(hit.body.items.map((r: Row) => `${r.locationCode}/${r.lot}/${r.state}`)).toEqual(
        expected,
      );
      expect(hit.body.total).toBe(expected.length);
      expect(hit.body.totals.units).toBe(
        hit.body.items.reduce((n: number, r: Row) => n + r.units, 0),
      );
      const none = await stock({ [name]: miss }).expect(200);
      expect(none.body).toMatchObject({ items: [], total: 0 });
      expect(none.body.totals).toMatchObject({ units: 0, usable: 0, byState: {} });
    });

    it('shows terminal states only when asked: the pack taken out', async () => {
      const res = await stock({ state: 'TAKEN_OUT' }).expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ custodianCode: 'HOSP-1', lot: 'L1', units: 1, usable: 0 }),
      ]);
      expect(res.body.totals.byState).toEqual({ TAKEN_OUT: 1 });
    });

    it('pages, keeping the totals of every page', async () => {
      const all: Row[] = (await stock().expect(200)).body.items;
      const first = await stock({ pageSize: 3 }).expect(200);
      const third = await stock({ pageSize: 3, page: 3 }).expect(200);
      expect(first.body).toMatchObject({ page: 1, pageSize: 3, total: 7 });
      expect(first.body.items).toEqual(all.slice(0, 3));
      expect(third.body.items).toEqual(all.slice(6));
      expect(third.body.totals).toEqual(first.body.totals);
      expect((await stock({ page: 9 }).expect(200)).body).toMatchObject({ items: [], total: 7 });
    });

    it('a hospital sees only its own stock; another organisation’s location is refused, counting nothing', async () => {
      const own = await stock({}, pharmacist1).expect(200);
      expect(new Set(own.body.items.map((r: Row) => r.custodianCode))).toEqual(new Set(['HOSP-1']));
      expect(own.body.totals).toEqual((await stock({ custodianCode: 'HOSP-1' })).body.totals);
      await stock({ locationCode: 'HOSP-1-PH' }, pharmacist1).expect(200);
      // The same answer whether the location exists or not, and no count in it.
      const theirs = await stock({ locationCode: 'HOSP-2-PH' }, pharmacist1).expect(403);
      const nowhere = await stock({ locationCode: 'NOWHERE-1' }, pharmacist1).expect(403);
      expect(theirs.body).toMatchObject({ code: 'FORBIDDEN', detail: 'You act for HOSP-1 only' });
      expect(nowhere.body.detail).toBe(theirs.body.detail);
      const { instance: _asked, ...answer } = theirs.body;
      expect(JSON.stringify(answer)).not.toMatch(/HOSP-2|items|total|units/);
      await stock({ custodianCode: 'HOSP-2' }, pharmacist1).expect(403);
      const k1 = await stock({ lot: 'L1' }, pharmacist2).expect(200);
      expect(k1.body.items.map((r: Row) => r.custodianCode)).toEqual(['HOSP-2']);
      const bonded = await stock({}, operator).expect(200);
      expect(new Set(bonded.body.items.map((r: Row) => r.custodianCode))).toEqual(
        new Set(['BW-1']),
      );
      await stock({}, auditor).expect(200);
    });

    it.each([
      ['state', 'NOPE'],
      ['gtin', '09506000134353'],
      ['lot', 'L'.repeat(21)],
      ['locationCode', 'lower-case'],
      ['custodianCode', "X'; DROP TABLE units; --"],
      ['page', '0'],
      ['pageSize', '501'],
      ['pageSize', 'many'],
      ['colour', 'red'],
    ])('refuses %s=%s with 400 VALIDATION_FAILED', async (name, value) => {
      const res = await stock({ [name]: value }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('needs a token', async () => {
      await regulator.http.get('/v1/stock').expect(401);
    });
  });

  describe('GET /v1/exceptions', () => {
    const typesOf = (body: { items: { type: string }[] }) => body.items.map((e) => e.type);

    it('a regulator sees every organisation’s, open ones by default, oldest first', async () => {
      const res = await exceptions().expect(200);
      expect(res.body).toMatchObject({ page: 1, pageSize: 50, total: 3 });
      expect(typesOf(res.body)).toEqual(['MISSING', 'LOT_MISMATCH', 'COLD_CHAIN_EXCURSION']);
      const cold = res.body.items[2];
      expect(cold).toMatchObject({ ownerOrg: 'BW-1', overdue: false, resolvedAt: null });
      expect(cold.ledgerIndexes).toHaveLength(2);
      const holds = await db.query(
        `SELECT action, entry_type FROM ledger_entries WHERE idx = ANY($1::bigint[])`,
        [cold.ledgerIndexes],
      );
      expect(holds.rows).toEqual([
        { action: 'HOLD', entry_type: 'event' },
        { action: 'HOLD', entry_type: 'event' },
      ]);
    });

    it.each([
      ['overdue', ['MISSING']],
      ['resolved', ['UNEXPECTED']],
      ['open', ['MISSING', 'LOT_MISMATCH', 'COLD_CHAIN_EXCURSION']],
      ['all', ['MISSING', 'UNEXPECTED', 'LOT_MISMATCH', 'COLD_CHAIN_EXCURSION']],
    ])('status=%s', async (status, types) => {
      const res = await exceptions({ status }).expect(200);
      expect(typesOf(res.body)).toEqual(types);
      if (status === 'overdue') expect(res.body.items[0].overdue).toBe(true);
    });

    it('filters by type, owner and time (a match and a non-match each)', async () => {
      expect(typesOf((await exceptions({ type: 'COLD_CHAIN_EXCURSION' })).body)).toEqual([
        'COLD_CHAIN_EXCURSION',
      ]);
      expect((await exceptions({ type: 'COUNT_VARIANCE' })).body.total).toBe(0);
      expect(typesOf((await exceptions({ ownerCode: 'IMP-1' })).body)).toEqual(['MISSING']);
      expect((await exceptions({ ownerCode: 'HOSP-2' })).body.total).toBe(0);
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
      expect(typesOf((await exceptions({ from: twoDaysAgo })).body)).toEqual([
        'LOT_MISMATCH',
        'COLD_CHAIN_EXCURSION',
      ]);
      expect(typesOf((await exceptions({ to: twoDaysAgo })).body)).toEqual(['MISSING']);
      expect((await exceptions({ to: '2020-01-01' })).body.total).toBe(0);
    });

    it('pages', async () => {
      const second = await exceptions({ status: 'all', pageSize: 3, page: 2 }).expect(200);
      expect(second.body).toMatchObject({ page: 2, pageSize: 3, total: 4 });
      expect(typesOf(second.body)).toEqual(['COLD_CHAIN_EXCURSION']);
    });

    it('an organisation sees only those it owns or found', async () => {
      const mine = await exceptions({ status: 'all' }, pharmacist1).expect(200);
      expect(typesOf(mine.body)).toEqual(['UNEXPECTED', 'LOT_MISMATCH']);
      // Found by HOSP-1, owned by BW-1: still HOSP-1's to see.
      expect(typesOf((await exceptions({ ownerCode: 'BW-1' }, pharmacist1)).body)).toEqual([
        'LOT_MISMATCH',
      ]);
      expect((await exceptions({ status: 'all' }, pharmacist2)).body.total).toBe(0);
      expect(typesOf((await exceptions({}, operator)).body)).toEqual([
        'MISSING',
        'LOT_MISMATCH',
        'COLD_CHAIN_EXCURSION',
      ]);
    });

    it('is read-only on regulator-api: resolving belongs to the organisations', async () => {
      await regulator.http
        .post('/v1/exceptions/00000000-0000-4000-8000-000000000001/resolve')
        .set('Authorization', reg)
        .send({ resolution: 'closed by the regulator' })
        .expect(404);
    });

    it.each([
      ['status', 'closed'],
      ['type', 'BROKEN'],
      ['ownerCode', 'imp-1'],
      ['from', '2026-02-30'],
      ['to', 'yesterday'],
      ['from', '2026-06-01T10:00:00'],
    ])('refuses %s=%s with 400', async (name, value) => {
      expect((await exceptions({ [name]: value }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses from after to with 400', async () => {
      const res = await exceptions({ from: '2026-06-02', to: '2026-06-01' }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /v1/alerts', () => {
    const listed = async (query: Record<string, string | number> = {}) =>
      (await alerts(query).expect(200)).body as { items: Alert[]; total: number };
    const kinds = (body: { items: Alert[] }) => body.items.map((a) => `${a.kind}/${a.code}`);

    it('lists what does not add up, newest first, each with the entry that proves it', async () => {
      const body = await listed();
      expect(body.total).toBe(7);
      expect([...kinds(body)].sort()).toEqual(
        [
          'COLD_CHAIN_EXCURSION/COLD_CHAIN_EXCURSION',
          'DUPLICATE_CODE_USE/DUPLICATE_CODE_USE',
          'DUPLICATE_CODE_USE/DUPLICATE_CODE_USE',
          `REFUSED_EVENT/${refused['ship expired'].code}`,
          `REFUSED_EVENT/${refused['ship recalled'].code}`,
          'REFUSED_EVENT/UNKNOWN_SERIAL',
          'TAKEOUT_CYCLE_ANOMALY/TAKEOUT_CYCLE_ANOMALY',
        ].sort(),
      );
      const times = body.items.map((a) => a.time);
      expect(times).toEqual([...times].sort().reverse());
      expect(body.items.every((a) => a.ledgerIndex !== null)).toBe(true);
      const expired = body.items.find((a) => a.ledgerIndex === refused['ship expired'].alertIndex);
      expect(refused['ship expired'].code).toBe('EXPIRED');
      expect(expired).toMatchObject({
        kind: 'REFUSED_EVENT',
        organisationCode: 'HOSP-1',
        units: [{ gtin: ORAL, serial: 'X1', lot: 'LX' }],
        lots: [{ gtin: ORAL, lot: 'LX' }],
        receipt: `/v1/ledger/entries/${refused['ship expired'].alertIndex}/receipt`,
        source: { type: 'ledger_entry' },
      });
      expect(expired?.detail).toMatch(/expired/);
      const unknown = body.items.find((a) => a.code === 'UNKNOWN_SERIAL');
      expect(unknown).toMatchObject({
        organisationCode: 'HOSP-2',
        units: [{ gtin: ORAL, serial: 'NOPE', lot: 'L1' }],
      });
    });

    it('the ledger index leads to a receipt', async () => {
      const index = refused['ship recalled'].alertIndex;
      let res = await get(`/v1/ledger/entries/${index}/receipt`);
      for (let i = 0; i < 50 && res.status === 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await get(`/v1/ledger/entries/${index}/receipt`);
      }
      expect(res.status).toBe(200);
      expect(res.body.index).toBe(index);
    });

    it('a refused early take-out refill leaves an alert, with evidence in the ledger and no name', async () => {
      expect(anomaly).toMatchObject({ code: 'TAKEOUT_CYCLE_ANOMALY' });
      expect(anomaly.ledgerIndex).toEqual(expect.any(Number));
      const body = await listed({ kind: 'TAKEOUT_CYCLE_ANOMALY' });
      expect(body.items).toEqual([
        expect.objectContaining({
          kind: 'TAKEOUT_CYCLE_ANOMALY',
          code: 'TAKEOUT_CYCLE_ANOMALY',
          organisationCode: 'HOSP-1',
          units: [{ gtin: ORAL, serial: 'H3', lot: 'L1' }],
          lots: [{ gtin: ORAL, lot: 'L1' }],
          ledgerIndex: anomaly.ledgerIndex,
          patientRef,
          approvalNo: 'APP-1',
          prescriber: 'dr.li',
          source: { type: 'prescription_alert', id: anomaly.alertId },
        }),
      ]);
      expect(body.items[0].detail).toMatch(/days of supply/);
      const entry = await db.query(
        `SELECT action, entry_type, convert_from(entry, 'UTF8') AS text FROM ledger_entries WHERE idx = $1`,
        [anomaly.ledgerIndex],
      );
      expect(entry.rows[0]).toMatchObject({ action: 'RECORD', entry_type: 'event' });
      const envelope = JSON.parse(entry.rows[0].text);
      expect(envelope.context).toMatchObject({ patientRef, code: 'TAKEOUT_CYCLE_ANOMALY' });
      expect(envelope.units).toEqual([{ gtin: ORAL, serial: 'H3' }]);
      expect(entry.rows[0].text).not.toMatch(/王芳|460000198003030033|dr\.li/);
    });

    it('a cold-chain excursion points at the holds the warehouse wrote', async () => {
      const [cold] = (await listed({ kind: 'COLD_CHAIN_EXCURSION' })).items;
      expect(cold).toMatchObject({
        code: 'COLD_CHAIN_EXCURSION',
        organisationCode: 'BW-1',
        action: 'HOLD',
        locationCode: 'BW-1-COLD',
        lots: [{ gtin: COLD, lot: 'C1' }],
        source: { type: 'custody_exception', status: 'open' },
      });
      expect(cold.units.map((u) => u.serial).sort()).toEqual(['C1', 'C2']);
      expect(cold.ledgerIndexes).toHaveLength(2);
      expect(cold.ledgerIndex).toBe(cold.ledgerIndexes[0]);
      expect(cold.detail).toMatch(/12\.5 °C/);
    });

    it.each([
      ['kind', 'DUPLICATE_CODE_USE', 2, 'kind', 'TAKEOUT_CYCLE_ANOMALY', 1],
      ['code', 'UNKNOWN_SERIAL', 1, 'code', 'QUOTA_EXCEEDED', 0],
      ['organisationCode', 'IMP-1', 2, 'organisationCode', 'HOSP-2', 1],
      ['gtin', COLD, 1, 'gtin', UNSTOCKED, 0],
    ])('filters by %s=%s (%d) and %s=%s (%d)', async (n1, v1, c1, n2, v2, c2) => {
      expect((await listed({ [n1]: v1 })).total).toBe(c1);
      expect((await listed({ [n2]: v2 })).total).toBe(c2);
    });

    it('filters by kind for refused events without duplicate use', async () => {
      const body = await listed({ kind: 'REFUSED_EVENT' });
      expect(body.items.map((a) => a.code).sort()).toEqual([
        'EXPIRED',
        'RECALLED',
        'UNKNOWN_SERIAL',
      ]);
    });

    it('filters by lot (with its product)', async () => {
      const lx = await listed({ gtin: ORAL, lot: 'LX' });
      expect(kinds(lx).sort()).toEqual([
        'DUPLICATE_CODE_USE/DUPLICATE_CODE_USE',
        'REFUSED_EVENT/EXPIRED',
      ]);
      const l1 = await listed({ gtin: ORAL, lot: 'L1' });
      expect(kinds(l1).sort()).toEqual([
        'DUPLICATE_CODE_USE/DUPLICATE_CODE_USE',
        'REFUSED_EVENT/RECALLED',
        'TAKEOUT_CYCLE_ANOMALY/TAKEOUT_CYCLE_ANOMALY',
      ]);
      expect((await listed({ gtin: ORAL, lot: 'NOLOT' })).total).toBe(0);
    });

    it('filters by time: the attempt of 2024, and what came after', async () => {
      const old = await listed({ to: '2025-01-01' });
      expect(old.items).toEqual([
        expect.objectContaining({
          kind: 'DUPLICATE_CODE_USE',
          time: '2024-02-01T00:00:00.000Z',
          units: [{ gtin: ORAL, serial: 'X1', lot: 'LX' }],
        }),
      ]);
      expect((await listed({ from: '2024-01-01', to: '2024-02-01' })).total).toBe(0);
      expect((await listed({ from: '2025-01-01' })).total).toBe(6);
    });

    it('pages', async () => {
      const all = (await listed()).items;
      const second = await alerts({ pageSize: 3, page: 2 }).expect(200);
      expect(second.body).toMatchObject({ page: 2, pageSize: 3, total: 7 });
      expect(second.body.items).toEqual(all.slice(3, 6));
      expect((await listed({ page: 5, pageSize: 3 })).items).toEqual([]);
    });

    it('is for oversight roles only', async () => {
      await alerts({}, auditor).expect(200);
      await alerts({}, regulator.bearer('ada', 'REG', 'admin')).expect(200);
      await alerts({}, pharmacist1).expect(403);
      await alerts({}, operator).expect(403);
    });

    it.each([
      ['kind', 'FIRE'],
      ['code', 'NOT_A_CODE'],
      ['organisationCode', 'hosp-1'],
      ['gtin', '123'],
      ['from', '2026-13-01'],
      ['to', 'tomorrow'],
      ['lot', 'L1'],
      ['pageSize', '0'],
    ])('refuses %s=%s with 400', async (name, value) => {
      const res = await alerts({ [name]: value }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses from after to with 400', async () => {
      const res = await alerts({ from: '2026-06-02', to: '2026-06-02' }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
