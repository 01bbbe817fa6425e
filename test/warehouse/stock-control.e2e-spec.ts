import type { TestApp } from '@trace/testing';
import type { Client } from 'pg';
import { ORAL as GTIN, packScan, startWarehouseStack, WarehouseStack } from './warehouse-fixtures';

const scan = (serial: string) => packScan(GTIN, serial, 'L1');
const CN = '81234567890123456789';

/** Holds and their release, destruction, re-export, counts, Chinese codes, void shipment. */
describe('warehouse-api: stock control', () => {
  let stack: WarehouseStack;
  let warehouse: TestApp;
  let db: Client;
  let operator: string;

  beforeAll(async () => {
    stack = await startWarehouseStack(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('CUS-1', 'Customs', 'CUSTOMS'),
        ('BW-1', 'Bonded warehouse', 'BONDED_WAREHOUSE'), ('BW-2', 'Other warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-1', 'Hospital', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES ('BW-1-A', 'BW-1', 'Store A'), ('BW-2-A', 'BW-2', 'Their store');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES ('${GTIN}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL');
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by)
        VALUES ('APP-1', '${GTIN}', 'HOSP-1', '{x}', 100, '2026-01-01', '2030-12-31', 'reg');`);
    ({ warehouse, db } = stack);
    operator = warehouse.bearer('op', 'BW-1', 'warehouse_operator');
    const importer = warehouse.bearer('imp', 'IMP-1', 'importer');
    const customs = warehouse.bearer('officer', 'CUS-1', 'customs_officer');
    const serials = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
    await warehouse.http
      .post('/v1/imports')
      .set('Authorization', importer)
      .send({
        declarationNo: 'D1',
        approvalNo: 'APP-1',
        importerCode: 'IMP-1',
        items: [{ gtin: GTIN, lot: 'L1', expiry: '2029-06-30', serials }],
      })
      .expect(201);
    await warehouse.http.post('/v1/imports/D1/arrival').set('Authorization', importer).expect(200);
    await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({ declarationNo: 'D1', locationCode: 'BW-1-A', scans: serials.map(scan) })
      .expect(201);
    await warehouse.http
      .post('/v1/inspections')
      .set('Authorization', customs)
      .send({ declarationNo: 'D1', result: 'CONFORMANT' })
      .expect(200);
    await warehouse.http
      .post('/v1/customs-releases')
      .set('Authorization', customs)
      .send({ declarationNo: 'D1' })
      .expect(200);
  });

  afterAll(() => stack?.close());

  const state = async (serial: string) =>
    (await db.query(`SELECT state FROM units WHERE serial = $1`, [serial])).rows[0]?.state;
  const entries = async () =>
    Number((await db.query('SELECT count(*) FROM ledger_entries')).rows[0].count);

  it('holds packs with a reason, and releases the hold as an attributed action', async () => {
    const res = await warehouse.http
      .post('/v1/holds')
      .set('Authorization', operator)
      .send({ scans: [scan('S1'), 'garbage', scan('S2')], reason: 'suspected counterfeit print' })
      .expect(201);
    expect(res.body).toMatchObject({
      done: 2,
      rejected: [{ index: 1, code: 'BARCODE_INVALID' }],
      refused: [],
    });
    expect(await state('S1')).toBe('QUARANTINED');
    const other = warehouse.bearer('op2', 'BW-2', 'warehouse_operator');
    await warehouse.http
      .post(`/v1/holds/${res.body.holdId}/release`)
      .set('Authorization', other)
      .expect(404);
    const released = await warehouse.http
      .post(`/v1/holds/${res.body.holdId}/release`)
      .set('Authorization', operator)
      .expect(200);
    expect(released.body).toMatchObject({ releasedBy: 'op', done: 2 });
    expect(await state('S1')).toBe('BONDED_STOCK');
    await warehouse.http
      .post(`/v1/holds/${res.body.holdId}/release`)
      .set('Authorization', operator)
      .expect(409);
  });

  it('destroys only before two different people, all or nothing', async () => {
    const before = await entries();
    const same = await warehouse.http
      .post('/v1/destructions')
      .set('Authorization', operator)
      .send({ scans: [scan('S3')], reason: 'damaged', executor: 'wang', supervisor: 'wang' })
      .expect(422);
    expect(same.body.code).toBe('DESTRUCTION_WITNESS_REQUIRED');
    await warehouse.http
      .post('/v1/destructions')
      .set('Authorization', operator)
      .send({
        scans: [scan('S3'), 'garbage'],
        reason: 'damaged',
        executor: 'wang',
        supervisor: 'chen',
      })
      .expect(400);
    expect(await entries()).toBe(before);
    expect(await state('S3')).toBe('BONDED_STOCK');
    const done = await warehouse.http
      .post('/v1/destructions')
      .set('Authorization', operator)
      .send({ scans: [scan('S3')], reason: 'damaged', executor: 'wang', supervisor: 'chen' })
      .expect(201);
    expect(done.body).toMatchObject({ units: 1, ledgerIndex: expect.any(Number) });
    expect(await state('S3')).toBe('DESTROYED');
    const again = await warehouse.http
      .post('/v1/destructions')
      .set('Authorization', operator)
      .send({ scans: [scan('S3')], reason: 'damaged', executor: 'wang', supervisor: 'chen' })
      .expect(409);
    expect(again.body.code).toBe('ALREADY_DESTROYED');
  });

  it('re-exports packs out of the country', async () => {
    await warehouse.http
      .post('/v1/re-exports')
      .set('Authorization', operator)
      .send({ scans: [scan('S4')], reason: 'back to the maker' })
      .expect(201);
    expect(await state('S4')).toBe('RE_EXPORTED');
  });

  it('counts a location: found packs recorded, the difference opens a COUNT_VARIANCE exception', async () => {
    const res = await warehouse.http
      .post('/v1/stock-counts')
      .set('Authorization', operator)
      .send({ locationCode: 'BW-1-A', scans: [scan('S1'), scan('S2'), scan('S5'), scan('S4')] })
      .expect(200);
    expect(res.body).toMatchObject({
      counted: 3,
      notFound: [{ serial: 'S6' }],
      notExpected: [{ serial: 'S4', index: 3 }],
      exception: { type: 'COUNT_VARIANCE', ownerOrg: 'BW-1' },
    });
    await warehouse.http
      .post('/v1/stock-counts')
      .set('Authorization', operator)
      .send({ locationCode: 'BW-2-A', scans: [scan('S1')] })
      .expect(403);
  });

  it('applies a Chinese trace code: a later scan of the code finds the same pack; a code is used once', async () => {
    const res = await warehouse.http
      .post('/v1/trace-codes')
      .set('Authorization', operator)
      .send({ associations: [{ scan: scan('S1'), cnCode: CN }] })
      .expect(200);
    expect(res.body).toMatchObject({ applied: 1, rejected: [], refused: [] });
    const alias = (await db.query(`SELECT gtin, serial FROM unit_aliases WHERE alias = $1`, [CN]))
      .rows;
    expect(alias).toEqual([{ gtin: GTIN, serial: 'S1' }]);
    const reused = await warehouse.http
      .post('/v1/trace-codes')
      .set('Authorization', operator)
      .send({ associations: [{ scan: scan('S2'), cnCode: CN }] })
      .expect(200);
    expect(reused.body).toMatchObject({
      applied: 0,
      rejected: [{ index: 0, code: 'DUPLICATE_CODE_USE' }],
    });
    const held = await warehouse.http
      .post('/v1/holds')
      .set('Authorization', operator)
      .send({ scans: [CN], reason: 'check' })
      .expect(201);
    expect(held.body.done).toBe(1);
    expect(await state('S1')).toBe('QUARANTINED');
    await warehouse.http
      .post(`/v1/holds/${held.body.holdId}/release`)
      .set('Authorization', operator)
      .expect(200);
  });

  it('voids a shipment in transit: its packs return to bonded stock', async () => {
    const shipped = await warehouse.http
      .post('/v1/shipments')
      .set('Authorization', operator)
      .send({ destinationCode: 'HOSP-1', approvalNo: 'APP-1', scans: [scan('S5')] })
      .expect(201);
    expect(await state('S5')).toBe('IN_TRANSIT');
    // Another warehouse cannot tell this shipment from one that does not exist.
    const other = warehouse.bearer('op2', 'BW-2', 'warehouse_operator');
    await warehouse.http
      .post(`/v1/shipments/${shipped.body.shipmentId}/void`)
      .set('Authorization', other)
      .expect(404);
    await warehouse.http
      .post(`/v1/shipments/${shipped.body.shipmentId}/void`)
      .set('Authorization', operator)
      .expect(200);
    const unit = (await db.query(`SELECT state, destination_org FROM units WHERE serial = 'S5'`))
      .rows[0];
    expect(unit).toEqual({ state: 'BONDED_STOCK', destination_org: null });
    await warehouse.http
      .post(`/v1/shipments/${shipped.body.shipmentId}/void`)
      .set('Authorization', operator)
      .expect(404);
  });
});
