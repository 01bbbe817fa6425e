import type { TestApp } from '@trace/testing';
import type { Client } from 'pg';
import {
  COLD as SUSPENDED_GTIN,
  ORAL as GTIN,
  startWarehouseStack,
  WarehouseStack,
} from './warehouse-fixtures';

/** Import declaration → arrival → customs release, through the ledger, with every refusal. */
describe('warehouse-api: import declarations', () => {
  let stack: WarehouseStack;
  let warehouse: TestApp;
  let db: Client;
  let importer: string;

  beforeAll(async () => {
    stack = await startWarehouseStack(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer One', 'IMPORTER'), ('IMP-2', 'Importer Two', 'IMPORTER'),
        ('CUS-1', 'Customs', 'CUSTOMS'), ('BW-1', 'Bonded warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-1', 'Hospital', 'HOSPITAL');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route, status) VALUES
        ('${GTIN}', 'Drug', 'DRUG', 7, 'tablet', 'ORAL', 'ACTIVE'),
        ('${SUSPENDED_GTIN}', 'Suspended drug', 'DRUG', 7, 'tablet', 'ORAL', 'SUSPENDED');
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by)
        VALUES ('APP-1', '${GTIN}', 'HOSP-1', '{oncology}', 6, '2026-01-01', '2030-12-31', 'reg');`);
    ({ warehouse, db } = stack);
    importer = warehouse.bearer('imp-user', 'IMP-1', 'importer');
  });

  afterAll(() => stack?.close());

  const declaration = (no: string, items: object[], extra: object = {}) => ({
    declarationNo: no,
    approvalNo: 'APP-1',
    importerCode: 'IMP-1',
    items,
    ...extra,
  });
  const item = (lot: string, serials: string[], extra: object = {}) => ({
    gtin: GTIN,
    lot,
    expiry: '2029-06-30',
    serials,
    ...extra,
  });
  const counts = async () =>
    (
      await db.query(`SELECT (SELECT count(*)::int FROM import_declarations) AS declarations,
                             (SELECT count(*)::int FROM declared_units) AS declared,
                             (SELECT count(*)::int FROM units) AS units,
                             (SELECT count(*)::int FROM ledger_entries) AS entries`)
    ).rows[0];
  const states = async () =>
    Object.fromEntries(
      (await db.query(`SELECT serial, state FROM units ORDER BY serial`)).rows.map((r) => [
        r.serial,
        r.state,
      ]),
    );

  it('declares two lots: their packs become ANNOUNCED in the ledger, with the declaration', async () => {
    const res = await warehouse.http
      .post('/v1/imports')
      .set('Authorization', importer)
      .send(
        declaration('DECL-1', [
          item('L1', ['S1', 'S2', 'S3']),
          item('L2', ['S4'], { expiry: '2030-01-31' }),
        ]),
      )
      .expect(201);
    expect(res.body).toMatchObject({
      declarationNo: 'DECL-1',
      status: 'DECLARED',
      declaredUnits: 4,
    });
    expect(res.body.ledger).toHaveLength(2);
    expect(res.body.ledger.every((v: { accepted: boolean }) => v.accepted)).toBe(true);
    expect(await states()).toEqual({
      S1: 'ANNOUNCED',
      S2: 'ANNOUNCED',
      S3: 'ANNOUNCED',
      S4: 'ANNOUNCED',
    });
    const unit = (
      await db.query(`SELECT lot, declaration_no, approval_no FROM units WHERE serial = 'S4'`)
    ).rows[0];
    expect(unit).toEqual({ lot: 'L2', declaration_no: 'DECL-1', approval_no: 'APP-1' });
  });

  describe('refuses, and nothing changes', () => {
    const cases: [string, () => object, number, string][] = [
      [
        'an unknown approval',
        () => declaration('DECL-X', [item('L9', ['X1'])], { approvalNo: 'APP-NONE' }),
        422,
        'NO_VALID_APPROVAL',
      ],
      [
        'more than the approval has left',
        () => declaration('DECL-X', [item('L9', ['X1', 'X2', 'X3'])]),
        422,
        'QUOTA_EXCEEDED',
      ],
      [
        'an unknown product',
        () => declaration('DECL-X', [item('L9', ['X1'], { gtin: '00000000000000' })]),
        422,
        'UNKNOWN_PRODUCT',
      ],
      [
        'a suspended product',
        () => declaration('DECL-X', [item('L9', ['X1'], { gtin: SUSPENDED_GTIN })]),
        422,
        'PRODUCT_SUSPENDED',
      ],
      [
        'an expired lot',
        () => declaration('DECL-X', [item('L9', ['X1'], { expiry: '2020-01-31' })]),
        422,
        'EXPIRED',
      ],
      [
        'a serial declared before',
        () => declaration('DECL-X', [item('L9', ['S2'])]),
        409,
        'DUPLICATE_CODE_USE',
      ],
      [
        'a serial twice',
        () => declaration('DECL-X', [item('L9', ['X1', 'X1'])]),
        409,
        'DUPLICATE_CODE_USE',
      ],
      [
        'a declaration number used before',
        () => declaration('DECL-1', [item('L9', ['X1'])]),
        409,
        'ALREADY_EXISTS',
      ],
      [
        'a bad GTIN check digit',
        () => declaration('DECL-X', [item('L9', ['X1'], { gtin: '09506000134353' })]),
        400,
        'VALIDATION_FAILED',
      ],
      ['no serials', () => declaration('DECL-X', [item('L9', [])]), 400, 'VALIDATION_FAILED'],
    ];
    it.each(cases)('%s', async (_what, body, status, code) => {
      const before = await counts();
      const res = await warehouse.http
        .post('/v1/imports')
        .set('Authorization', importer)
        .send(body())
        .expect(status);
      expect(res.body.code).toBe(code);
      expect(await counts()).toEqual(before);
    });

    it('an importer declaring for another importer, or a pharmacist, gets 403', async () => {
      const before = await counts();
      const other = warehouse.bearer('imp2', 'IMP-2', 'importer');
      await warehouse.http
        .post('/v1/imports')
        .set('Authorization', other)
        .send(declaration('DECL-X', [item('L9', ['X1'])]))
        .expect(403);
      const pharmacist = warehouse.bearer('ph', 'HOSP-1', 'pharmacist');
      await warehouse.http
        .post('/v1/imports')
        .set('Authorization', pharmacist)
        .send(declaration('DECL-X', [item('L9', ['X1'])]))
        .expect(403);
      expect(await counts()).toEqual(before);
    });
  });

  it('arrival: AT_PORT once, by its importer (or customs), not by another importer', async () => {
    const other = warehouse.bearer('imp2', 'IMP-2', 'importer');
    const foreign = await warehouse.http
      .post('/v1/imports/DECL-1/arrival')
      .set('Authorization', other)
      .expect(403);
    // An importer cannot tell another importer's declaration from one that does not exist.
    const unknown = await warehouse.http
      .post('/v1/imports/DECL-NONE/arrival')
      .set('Authorization', other)
      .expect(403);
    expect(unknown.body.detail).toBe(foreign.body.detail);
    await warehouse.http
      .post('/v1/imports/DECL-NONE/arrival')
      .set('Authorization', warehouse.bearer('officer', 'CUS-1', 'customs_officer'))
      .expect(404);
    const res = await warehouse.http
      .post('/v1/imports/DECL-1/arrival')
      .set('Authorization', importer)
      .expect(200);
    expect(res.body).toMatchObject({ status: 'ARRIVED', arrivedAt: expect.any(String) });
    expect(res.body.ledger.every((v: { accepted: boolean }) => v.accepted)).toBe(true);
    expect(await states()).toEqual({ S1: 'AT_PORT', S2: 'AT_PORT', S3: 'AT_PORT', S4: 'AT_PORT' });
    const again = await warehouse.http
      .post('/v1/imports/DECL-1/arrival')
      .set('Authorization', importer)
      .expect(409);
    expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('customs release: by a customs officer only, after arrival, recorded against every pack', async () => {
    await warehouse.http
      .post('/v1/customs-releases')
      .set('Authorization', importer)
      .send({ declarationNo: 'DECL-1' })
      .expect(403);
    const customs = warehouse.bearer('officer', 'CUS-1', 'customs_officer');
    const entries = (await counts()).entries;
    const res = await warehouse.http
      .post('/v1/customs-releases')
      .set('Authorization', customs)
      .send({ declarationNo: 'DECL-1' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'RELEASED', releasedBy: 'officer' });
    expect((await counts()).entries).toBe(entries + 2); // one evidence entry per lot
    const recorded = await db.query(
      `SELECT count(*)::int AS n FROM unit_events e JOIN ledger_entries l ON l.idx = e.idx WHERE l.action = 'RECORD'`,
    );
    expect(recorded.rows[0].n).toBe(4);
    expect(await states()).toEqual({ S1: 'AT_PORT', S2: 'AT_PORT', S3: 'AT_PORT', S4: 'AT_PORT' });
    const twice = await warehouse.http
      .post('/v1/customs-releases')
      .set('Authorization', customs)
      .send({ declarationNo: 'DECL-1' })
      .expect(409);
    expect(twice.body.code).toBe('INVALID_STATE_TRANSITION');
    // A declaration that has not arrived cannot be released.
    await warehouse.http
      .post('/v1/imports')
      .set('Authorization', importer)
      .send(declaration('DECL-2', [item('L3', ['S5'])]))
      .expect(201);
    const early = await warehouse.http
      .post('/v1/customs-releases')
      .set('Authorization', customs)
      .send({ declarationNo: 'DECL-2' })
      .expect(409);
    expect(early.body.code).toBe('INVALID_STATE_TRANSITION');
    const read = await warehouse.http
      .get('/v1/imports/DECL-1')
      .set('Authorization', warehouse.bearer('op', 'BW-1', 'warehouse_operator'))
      .expect(200);
    expect(read.body.status).toBe('RELEASED');
  });
});
