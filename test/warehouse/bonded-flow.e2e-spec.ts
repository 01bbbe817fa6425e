import { LedgerQueueClient } from '@trace/queue';
import type { TestApp } from '@trace/testing';
import type { Client } from 'pg';
import {
  COLD,
  ORAL,
  packScan as scan,
  sscc,
  startWarehouseStack,
  WarehouseStack,
} from './warehouse-fixtures';

/**
 * Issue 5's walk: a declaration of two lots (one cold-chain) from announcement through
 * arrival, a receipt with one missing and one unexpected pack, inspection, customs release, a
 * cold-chain excursion on one pallet and a shipment to a hospital — with every shipment
 * refusal, each changing nothing.
 */
describe('warehouse-api: declaration to shipment', () => {
  let stack: WarehouseStack;
  let warehouse: TestApp;
  let db: Client;
  let importer: string;
  let operator: string;
  let customs: string;
  const P1 = sscc(11);
  const P2 = sscc(12);

  beforeAll(async () => {
    stack = await startWarehouseStack(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('CUS-1', 'Customs', 'CUSTOMS'),
        ('BW-1', 'Bonded warehouse', 'BONDED_WAREHOUSE'), ('BW-2', 'Other warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-1', 'Hospital One', 'HOSPITAL'), ('HOSP-2', 'Hospital Two', 'HOSPITAL'), ('REG-1', 'Regulator', 'REGULATOR');
      INSERT INTO locations (code, organisation_code, name) VALUES ('BW-1-COLD', 'BW-1', 'Cold store');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route, storage_min_c, storage_max_c) VALUES
        ('${ORAL}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL', NULL, 30),
        ('${COLD}', 'Biologic', 'DRUG', 7, 'injection', 'SUBCUTANEOUS', 2, 8);
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by) VALUES
        ('APP-A', '${ORAL}', 'HOSP-1', '{x}', 4, '2026-01-01', '2030-12-31', 'reg'),
        ('APP-C', '${COLD}', 'HOSP-1', '{x}', 10, '2026-01-01', '2030-12-31', 'reg');`);
    ({ warehouse, db } = stack);
    importer = warehouse.bearer('imp', 'IMP-1', 'importer');
    operator = warehouse.bearer('op', 'BW-1', 'warehouse_operator');
    customs = warehouse.bearer('officer', 'CUS-1', 'customs_officer');
  });

  afterAll(() => stack?.close());

  const states = async () =>
    Object.fromEntries(
      (await db.query(`SELECT serial, state FROM units ORDER BY serial`)).rows.map((r) => [
        r.serial,
        r.state,
      ]),
    );
  const snapshot = async () => ({
    units: (
      await db.query(
        `SELECT serial, state, custodian_org, destination_org FROM units ORDER BY serial`,
      )
    ).rows,
    used: (await db.query(`SELECT approval_no, used FROM approvals ORDER BY approval_no`)).rows,
  });
  const ship = (scans: string[], extra: object = {}, bearer = operator) =>
    warehouse.http
      .post('/v1/shipments')
      .set('Authorization', bearer)
      .send({ destinationCode: 'HOSP-1', approvalNo: 'APP-A', scans, ...extra });
  /** A refused shipment answers its code and changes no pack and no approval. */
  async function refused(scans: string[], code: string, extra: object = {}, bearer = operator) {
    const before = await snapshot();
    const res = await ship(scans, extra, bearer);
    expect({ status: res.status >= 400 && res.status < 500, code: res.body.code }).toEqual({
      status: true,
      code,
    });
    expect(await snapshot()).toEqual(before);
  }

  it('declares two lots (one cold-chain), arrives, receives with one missing and one unexpected pack', async () => {
    await warehouse.http
      .post('/v1/imports')
      .set('Authorization', importer)
      .send({
        declarationNo: 'DECL-F',
        approvalNo: 'APP-A',
        importerCode: 'IMP-1',
        items: [
          { gtin: ORAL, lot: 'LA', expiry: '2029-06-30', serials: ['A1', 'A2', 'A3', 'A4'] },
          {
            gtin: COLD,
            lot: 'LC',
            expiry: '2029-06-30',
            serials: ['C1', 'C2', 'C3', 'C4'],
            approvalNo: 'APP-C',
          },
        ],
      })
      .expect(201);
    await warehouse.http
      .post('/v1/imports/DECL-F/arrival')
      .set('Authorization', importer)
      .expect(200);
    const receipt = await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({
        declarationNo: 'DECL-F',
        locationCode: 'BW-1-COLD',
        scans: [
          scan(ORAL, 'A1', 'LA'),
          scan(ORAL, 'A2', 'LA'),
          scan(ORAL, 'A3', 'LA'),
          scan(ORAL, 'X1', 'LA'),
          P1,
          P2,
        ],
        aggregations: [
          { parent: P1, children: [scan(COLD, 'C1', 'LC'), scan(COLD, 'C2', 'LC')] },
          { parent: P2, children: [scan(COLD, 'C3', 'LC'), scan(COLD, 'C4', 'LC')] },
        ],
        temperatureC: 5,
      })
      .expect(201);
    expect(receipt.body).toMatchObject({
      received: 7,
      missing: [{ serial: 'A4' }],
      unexpected: [{ serial: 'X1', code: 'UNKNOWN_SERIAL' }],
      refused: [],
    });
    expect(receipt.body.exceptions.map((e: { type: string }) => e.type).sort()).toEqual([
      'MISSING',
      'UNEXPECTED',
    ]);
    expect(await states()).toMatchObject({
      A1: 'BONDED_PENDING',
      A4: 'AT_PORT',
      C1: 'BONDED_PENDING',
      C4: 'BONDED_PENDING',
    });
    const approvals = (
      await db.query(
        `SELECT serial, approval_no FROM units WHERE serial IN ('A1', 'C1') ORDER BY serial`,
      )
    ).rows;
    expect(approvals).toEqual([
      { serial: 'A1', approval_no: 'APP-A' },
      { serial: 'C1', approval_no: 'APP-C' },
    ]);
  });

  it('customs inspects the declaration: every received pack enters bonded stock', async () => {
    const res = await warehouse.http
      .post('/v1/inspections')
      .set('Authorization', customs)
      .send({ declarationNo: 'DECL-F', result: 'CONFORMANT' })
      .expect(200);
    expect(res.body).toMatchObject({ inspected: 7, refused: [] });
    expect(await states()).toMatchObject({ A1: 'BONDED_STOCK', C4: 'BONDED_STOCK', A4: 'AT_PORT' });
  });

  it('refuses a shipment before customs release (recorded as an alert), then customs releases', async () => {
    const alerts = async () =>
      Number(
        (
          await db.query(
            `SELECT count(*) FROM ledger_entries WHERE refusal_code = 'CUSTOMS_NOT_RELEASED'`,
          )
        ).rows[0].count,
      );
    await refused([scan(ORAL, 'A1', 'LA')], 'CUSTOMS_NOT_RELEASED');
    expect(await alerts()).toBe(1);
    await warehouse.http
      .post('/v1/customs-releases')
      .set('Authorization', customs)
      .send({ declarationNo: 'DECL-F' })
      .expect(200);
  });

  it('a cold-chain excursion on one pallet holds its packs and opens an exception', async () => {
    const res = await warehouse.http
      .post('/v1/sensor-readings')
      .set('Authorization', operator)
      .send({
        parent: P2,
        readings: [
          { time: '2026-06-02T01:00:00+08:00', temperatureC: 5.0 },
          { time: '2026-06-02T02:00:00+08:00', temperatureC: 11.5 },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({
      packs: 2,
      held: 2,
      excursions: [{ gtin: COLD, temperatureC: 11.5 }],
      exception: { type: 'COLD_CHAIN_EXCURSION', ownerOrg: 'BW-1' },
    });
    expect(await states()).toMatchObject({
      C1: 'BONDED_STOCK',
      C2: 'BONDED_STOCK',
      C3: 'QUARANTINED',
      C4: 'QUARANTINED',
    });
    const held = (await db.query(`SELECT hold_reason FROM units WHERE serial = 'C3'`)).rows[0];
    expect(held.hold_reason).toMatch(/COLD_CHAIN_EXCURSION: 11.5 °C/);
  });

  it('refuses every shipment that may not go, changing nothing', async () => {
    await refused([scan(ORAL, 'A1', 'LA')], 'NOT_DESIGNATED_INSTITUTION', {
      destinationCode: 'HOSP-2',
    });
    await refused([scan(ORAL, 'A1', 'LA')], 'NO_VALID_APPROVAL', { approvalNo: 'APP-NONE' });
    await refused([scan(COLD, 'C3', 'LC')], 'ON_HOLD', { approvalNo: 'APP-C' });
    await refused([scan(ORAL, 'A1', 'LA'), 'garbage'], 'BARCODE_INVALID');
    await refused([scan(ORAL, 'A1', 'LA'), scan(ORAL, 'A1', 'LA')], 'DUPLICATE_CODE_USE');
    await refused([scan(ORAL, 'A1', 'LA')], 'ORGANISATION_TYPE_MISMATCH', {
      destinationCode: 'BW-2',
    });
    // Another warehouse's operator: not their stock.
    await refused(
      [scan(ORAL, 'A1', 'LA')],
      'FORBIDDEN',
      {},
      warehouse.bearer('op2', 'BW-2', 'warehouse_operator'),
    );
    // A pharmacist cannot ship from the bonded warehouse at all.
    await refused(
      [scan(ORAL, 'A1', 'LA')],
      'FORBIDDEN',
      {},
      warehouse.bearer('ph', 'HOSP-1', 'pharmacist'),
    );
    // Beyond the approval's remaining quantity: 4 approved, 3 already drawn elsewhere.
    await db.query(`UPDATE approvals SET used = 3 WHERE approval_no = 'APP-A'`);
    try {
      await refused([scan(ORAL, 'A1', 'LA'), scan(ORAL, 'A2', 'LA')], 'QUOTA_EXCEEDED');
    } finally {
      await db.query(`UPDATE approvals SET used = 0 WHERE approval_no = 'APP-A'`);
    }
    // Recalled and expired packs (the regulator's recall and the expiry job, through the ledger).
    const ledger = warehouse.app.get(LedgerQueueClient);
    const base = {
      eventTime: new Date().toISOString(),
      epcis: { type: 'ObjectEvent' },
      refs: {},
      context: {},
    };
    const verdicts = await ledger.submitAndWait(
      [
        {
          ...base,
          eventId: 'urn:uuid:recall-c1',
          action: 'RECALL',
          actor: { sub: 'r', org: 'REG-1', roles: ['regulator'] },
          units: [{ gtin: COLD, serial: 'C1' }],
        },
        {
          ...base,
          // The expiry job runs at the boundary: after the lot's last day.
          eventTime: '2029-07-01T00:00:00.000Z',
          eventId: 'urn:uuid:expire-a3',
          action: 'EXPIRE',
          actor: { sub: 'job', org: 'BW-1', roles: ['warehouse_operator'] },
          units: [{ gtin: ORAL, serial: 'A3' }],
        },
      ],
      15000,
    );
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
    await refused([scan(COLD, 'C1', 'LC')], 'RECALLED', { approvalNo: 'APP-C' });
    await refused([scan(ORAL, 'A3', 'LA')], 'EXPIRED');
  });

  it('ships to the designated hospital: IN_TRANSIT, the approval drawn, once only', async () => {
    const res = await ship([scan(ORAL, 'A1', 'LA'), scan(ORAL, 'A2', 'LA')]).expect(201);
    expect(res.body).toMatchObject({
      destinationCode: 'HOSP-1',
      units: 2,
      ledgerIndex: expect.any(Number),
    });
    const shipped = (
      await db.query(
        `SELECT state, destination_org, shipment_id FROM units WHERE serial IN ('A1', 'A2')`,
      )
    ).rows;
    expect(shipped).toEqual([
      { state: 'IN_TRANSIT', destination_org: 'HOSP-1', shipment_id: res.body.shipmentId },
      { state: 'IN_TRANSIT', destination_org: 'HOSP-1', shipment_id: res.body.shipmentId },
    ]);
    expect(
      (await db.query(`SELECT used FROM approvals WHERE approval_no = 'APP-A'`)).rows[0].used,
    ).toBe(2);
    const entry = (
      await db.query(`SELECT action, entry_type FROM ledger_entries WHERE idx = $1`, [
        res.body.ledgerIndex,
      ])
    ).rows[0];
    expect(entry).toEqual({ action: 'SHIP', entry_type: 'event' });
    await refused([scan(ORAL, 'A1', 'LA')], 'INVALID_STATE_TRANSITION');
    // The cold lot's good pallet goes too, on its own approval.
    await ship([P1], { approvalNo: 'APP-C' }).expect(422); // C1 on it is recalled: all or nothing
    expect(await states()).toMatchObject({ C1: 'RECALLED', C2: 'BONDED_STOCK' });
    await ship([scan(COLD, 'C2', 'LC')], { approvalNo: 'APP-C' }).expect(201);
    expect(await states()).toMatchObject({ C2: 'IN_TRANSIT' });
  });

  it('keeps the whole walk in the ledger and the exceptions on record', async () => {
    const actions = (
      await db.query(
        `SELECT action, entry_type, count(*)::int AS n FROM ledger_entries GROUP BY 1, 2 ORDER BY 1, 2`,
      )
    ).rows;
    expect(actions).toEqual(
      expect.arrayContaining([
        { action: 'ANNOUNCE', entry_type: 'event', n: 2 },
        { action: 'ARRIVE', entry_type: 'event', n: 2 },
        { action: 'RECEIVE_BONDED', entry_type: 'event', n: 7 },
        { action: 'RECEIVE_BONDED', entry_type: 'alert', n: 1 },
        { action: 'PACK', entry_type: 'event', n: 2 },
        { action: 'INSPECT_CONFORMANT', entry_type: 'event', n: 7 },
        { action: 'RECORD', entry_type: 'event', n: 2 },
        { action: 'HOLD', entry_type: 'event', n: 2 },
        { action: 'SHIP', entry_type: 'event', n: 2 },
      ]),
    );
    const exceptions = await warehouse.http
      .get('/v1/exceptions')
      .set('Authorization', operator)
      .expect(200);
    expect(exceptions.body.items.map((e: { type: string }) => e.type).sort()).toEqual([
      'COLD_CHAIN_EXCURSION',
      'MISSING',
      'UNEXPECTED',
    ]);
  });
});
