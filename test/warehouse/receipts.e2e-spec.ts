import type { TestApp } from '@trace/testing';
import type { Client } from 'pg';
import {
  COLD,
  ORAL as AMBIENT,
  packScan as scan,
  sscc,
  startWarehouseStack,
  WarehouseStack,
} from './warehouse-fixtures';

/** Receipt into the bonded warehouse: compared with the declaration, differences become exceptions. */
describe('warehouse-api: receipts and exceptions', () => {
  let stack: WarehouseStack;
  let warehouse: TestApp;
  let db: Client;
  let importer: string;
  let operator: string;

  beforeAll(async () => {
    stack = await startWarehouseStack(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('BW-1', 'Bonded warehouse', 'BONDED_WAREHOUSE'),
        ('BW-2', 'Other warehouse', 'BONDED_WAREHOUSE'), ('HOSP-1', 'Hospital', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES ('BW-1-A', 'BW-1', 'Store');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route, storage_min_c, storage_max_c) VALUES
        ('${AMBIENT}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL', NULL, 30),
        ('${COLD}', 'Biologic', 'DRUG', 7, 'injection', 'SUBCUTANEOUS', 2, 8);
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by) VALUES
        ('APP-A', '${AMBIENT}', 'HOSP-1', '{x}', 6000, '2026-01-01', '2030-12-31', 'reg'),
        ('APP-C', '${COLD}', 'HOSP-1', '{x}', 10, '2026-01-01', '2030-12-31', 'reg');`);
    ({ warehouse, db } = stack);
    importer = warehouse.bearer('imp', 'IMP-1', 'importer');
    operator = warehouse.bearer('op', 'BW-1', 'warehouse_operator');
  });

  afterAll(() => stack?.close());

  async function declareAndArrive(
    no: string,
    approvalNo: string,
    gtin: string,
    lot: string,
    serials: string[],
  ) {
    await warehouse.http
      .post('/v1/imports')
      .set('Authorization', importer)
      .send({
        declarationNo: no,
        approvalNo,
        importerCode: 'IMP-1',
        items: [{ gtin, lot, expiry: '2029-06-30', serials }],
      })
      .expect(201);
    await warehouse.http
      .post(`/v1/imports/${no}/arrival`)
      .set('Authorization', importer)
      .expect(200);
  }
  const unit = async (serial: string) =>
    (
      await db.query(
        `SELECT state, custodian_org, parent, hold_reason FROM units WHERE serial = $1`,
        [serial],
      )
    ).rows[0];

  it('compares a receipt with its declaration: received, missing, unexpected, lot mismatch, cold chain', async () => {
    await declareAndArrive('DECL-A', 'APP-A', AMBIENT, 'L1', ['R1', 'R2', 'R3', 'R4']);
    await declareAndArrive('DECL-C', 'APP-C', COLD, 'L2', ['C1', 'C2', 'C3']);
    const before = Number((await db.query('SELECT count(*) FROM ledger_entries')).rows[0].count);
    const pallet = sscc(1);
    const res = await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({
        declarationNo: 'DECL-A',
        locationCode: 'BW-1-A',
        scans: [
          scan(AMBIENT, 'R1', 'L1'),
          scan(AMBIENT, 'R2', 'L1'),
          'garbage',
          scan(AMBIENT, 'R3', 'L1'),
          scan(AMBIENT, 'X9', 'L1'),
        ],
      })
      .expect(201);
    expect(res.body).toMatchObject({
      received: 3,
      missing: [{ gtin: AMBIENT, serial: 'R4', lot: 'L1' }],
      unexpected: [{ serial: 'X9', index: 4, code: 'UNKNOWN_SERIAL' }],
      rejected: [{ index: 2, code: 'BARCODE_INVALID' }],
      refused: [],
    });
    expect(res.body.exceptions.map((e: { type: string }) => e.type).sort()).toEqual([
      'MISSING',
      'UNEXPECTED',
    ]);
    expect(await unit('R1')).toMatchObject({ state: 'BONDED_PENDING', custodian_org: 'BW-1' });
    expect(await unit('R4')).toMatchObject({ state: 'AT_PORT', custodian_org: 'IMP-1' });
    const alerts = await db.query(
      `SELECT refusal_code FROM ledger_entries WHERE idx >= $1 AND entry_type = 'alert'`,
      [before],
    );
    expect(alerts.rows).toEqual([{ refusal_code: 'UNKNOWN_SERIAL' }]); // X9: the attempt is evidence

    const cold = await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({
        declarationNo: 'DECL-C',
        locationCode: 'BW-1-A',
        scans: [scan(COLD, 'C1', 'LX'), `(00)${pallet}`],
        aggregations: [
          { parent: `(00)${pallet}`, children: [scan(COLD, 'C2', 'L2'), scan(COLD, 'C3', 'L2')] },
        ],
        temperatureC: 12,
      })
      .expect(201);
    expect(cold.body).toMatchObject({
      received: 2,
      missing: [],
      unexpected: [{ serial: 'C1', code: 'LOT_MISMATCH' }],
      refused: [],
    });
    expect(cold.body.exceptions.map((e: { type: string }) => e.type).sort()).toEqual([
      'COLD_CHAIN_EXCURSION',
      'LOT_MISMATCH',
    ]);
    expect(await unit('C1')).toMatchObject({
      state: 'QUARANTINED',
      custodian_org: 'BW-1',
      hold_reason: 'lot mismatch: declared L2, scanned LX',
    });
    expect(await unit('C2')).toMatchObject({
      state: 'QUARANTINED',
      parent: pallet,
      hold_reason: expect.stringMatching(/cold-chain excursion/),
    });
    expect(await unit('C3')).toMatchObject({ state: 'QUARANTINED', parent: pallet });

    // A later scan of the pallet stands for its packs (already received: refused, as evidence).
    const again = await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({ declarationNo: 'DECL-C', locationCode: 'BW-1-A', scans: [pallet] })
      .expect(201);
    expect(again.body.refused).toHaveLength(2);
  });

  it('exceptions: listed for the owner, resolved by the owner only, with the resolution kept', async () => {
    const mine = await warehouse.http
      .get('/v1/exceptions')
      .set('Authorization', importer)
      .expect(200);
    const types = mine.body.items.map((e: { type: string }) => e.type).sort();
    expect(types).toEqual(['LOT_MISMATCH', 'MISSING', 'UNEXPECTED']);
    const missing = mine.body.items.find((e: { type: string }) => e.type === 'MISSING');
    expect(missing).toMatchObject({
      ownerOrg: 'IMP-1',
      openedOrg: 'BW-1',
      declarationNo: 'DECL-A',
      resolvedAt: null,
    });
    expect(Date.parse(missing.dueBy)).toBeGreaterThan(Date.parse(missing.openedAt));
    await warehouse.http
      .post(`/v1/exceptions/${missing.exceptionId}/resolve`)
      .set('Authorization', operator)
      .send({ resolution: 'not ours' })
      .expect(403);
    const resolved = await warehouse.http
      .post(`/v1/exceptions/${missing.exceptionId}/resolve`)
      .set('Authorization', importer)
      .send({ resolution: 'R4 stayed with the manufacturer; credit note CN-9' })
      .expect(200);
    expect(resolved.body).toMatchObject({
      resolvedBy: 'imp',
      resolution: 'R4 stayed with the manufacturer; credit note CN-9',
    });
    const open = await warehouse.http
      .get('/v1/exceptions')
      .set('Authorization', importer)
      .expect(200);
    expect(open.body.items.map((e: { type: string }) => e.type).sort()).toEqual([
      'LOT_MISMATCH',
      'UNEXPECTED',
    ]);
    const theirs = await warehouse.http
      .get('/v1/exceptions')
      .set('Authorization', operator)
      .expect(200);
    expect(theirs.body.items.map((e: { type: string }) => e.type)).toContain(
      'COLD_CHAIN_EXCURSION',
    );
  });

  it('refuses receipts at another organisation’s site, by other roles, and before arrival — changing nothing', async () => {
    const count = async () =>
      Number((await db.query('SELECT count(*) FROM ledger_entries')).rows[0].count);
    const before = await count();
    const body = {
      declarationNo: 'DECL-A',
      locationCode: 'BW-1-A',
      scans: [scan(AMBIENT, 'R4', 'L1')],
    };
    await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', warehouse.bearer('op2', 'BW-2', 'warehouse_operator'))
      .send(body)
      .expect(403);
    await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', warehouse.bearer('ph', 'HOSP-1', 'pharmacist'))
      .send(body)
      .expect(403);
    await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({ ...body, locationCode: 'NOPE' })
      .expect(422);
    await warehouse.http
      .post('/v1/imports')
      .set('Authorization', importer)
      .send({
        declarationNo: 'DECL-N',
        approvalNo: 'APP-A',
        importerCode: 'IMP-1',
        items: [{ gtin: AMBIENT, lot: 'L5', expiry: '2029-06-30', serials: ['N1'] }],
      })
      .expect(201);
    const early = await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({ ...body, declarationNo: 'DECL-N' })
      .expect(409);
    expect(early.body.code).toBe('INVALID_STATE_TRANSITION');
    expect(await count()).toBe(before + 1); // only DECL-N's announcement
  });

  it('a declaration delivered in parts: a partial receipt opens no exception, the last finds nothing missing', async () => {
    await declareAndArrive('DECL-P', 'APP-A', AMBIENT, 'L7', ['Q1', 'Q2']);
    const receipt = (serial: string, partial?: boolean) =>
      warehouse.http
        .post('/v1/receipts')
        .set('Authorization', operator)
        .send({
          declarationNo: 'DECL-P',
          locationCode: 'BW-1-A',
          scans: [scan(AMBIENT, serial, 'L7')],
          ...(partial ? { partial } : {}),
        })
        .expect(201);
    const first = await receipt('Q1', true);
    expect(first.body).toMatchObject({ received: 1, missing: [{ serial: 'Q2' }], exceptions: [] });
    const last = await receipt('Q2');
    expect(last.body).toMatchObject({ received: 1, missing: [], exceptions: [] });
  });

  it('receives a pallet of 5,000 packs from one aggregation scan in one request', async () => {
    const serials = Array.from({ length: 5000 }, (_, i) => `P${i}`);
    await declareAndArrive('DECL-BIG', 'APP-A', AMBIENT, 'L9', serials);
    const pallet = sscc(2);
    const started = Date.now();
    const res = await warehouse.http
      .post('/v1/receipts')
      .set('Authorization', operator)
      .send({
        declarationNo: 'DECL-BIG',
        locationCode: 'BW-1-A',
        scans: [`(00)${pallet}`],
        aggregations: [
          { parent: `(00)${pallet}`, children: serials.map((s) => scan(AMBIENT, s, 'L9')) },
        ],
      })
      .expect(201);
    expect(res.body).toMatchObject({ received: 5000, missing: [], unexpected: [], refused: [] });
    const packed = await db.query(
      `SELECT count(*)::int AS n FROM units WHERE parent = $1 AND state = 'BONDED_PENDING'`,
      [pallet],
    );
    expect(packed.rows[0].n).toBe(5000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
