import { loadLedgerSigner } from '@trace/ledger-store';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { verifyReceiptCommand } from '../../apps/cli/src/ledger-commands';
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
const LOT = 'LR';
const scan = (serial: string) => `]d201${ORAL}1729063010${LOT}${GS}21${serial}`;
const SERIALS = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8'];

/**
 * The regulator's questions over a history built through the services as their users work:
 * import, bonded receipt, shipments to two hospitals, dispensing to three patients (one
 * administration, one take-out). Custody with proofs checks offline, the look-back names
 * exactly the three patients, a recall flips what is left and refuses the next dispense.
 */
describe('regulator-api: custody with proof, look-back and recall over a real history', () => {
  let env: TestEnvironment;
  let db: Client;
  let writer: TestApp;
  let warehouse: TestApp;
  let dispensing: TestApp;
  let regulator: TestApp;
  let tokens: Record<string, string>;
  let verifierKey: string;
  const patients: Record<string, string> = {};
  const prescriptions: Record<string, string> = {};
  let recallId: string;
  const dir = mkdtempSync(join(tmpdir(), 'custody-'));

  const call = (app: TestApp, method: 'get' | 'post' | 'delete', path: string, who: string) =>
    app.http[method](path).set('Authorization', tokens[who]);

  beforeAll(async () => {
    env = await createTestEnvironment({
      LEDGER_BATCH_MAX_WAIT_MS: '5',
      LEDGER_CHECKPOINT_INTERVAL_MS: '100',
    });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await db.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('CUS-1', 'Customs', 'CUSTOMS'),
        ('BW-1', 'Bonded warehouse', 'BONDED_WAREHOUSE'), ('REG-1', 'Regulator', 'REGULATOR'),
        ('HOSP-1', 'Hospital One', 'HOSPITAL'), ('HOSP-2', 'Hospital Two', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES ('BW-1-A', 'BW-1', 'Store A');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES
        ('${ORAL}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL');
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by) VALUES
        ('APP-H1', '${ORAL}', 'HOSP-1', '{lung cancer}', 10, '2026-01-01', '2030-12-31', 'reg'),
        ('APP-H2', '${ORAL}', 'HOSP-2', '{lung cancer}', 10, '2026-01-01', '2030-12-31', 'reg');`);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    warehouse = await startTestApp(env.cfg, WarehouseApiModule, WAREHOUSE_API_HTTP);
    dispensing = await startTestApp(env.cfg, DispensingApiModule, DISPENSING_API_HTTP);
    regulator = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    tokens = {
      importer: warehouse.bearer('imp.chen', 'IMP-1', 'importer'),
      operator: warehouse.bearer('op.lin', 'BW-1', 'warehouse_operator'),
      customs: warehouse.bearer('officer.wu', 'CUS-1', 'customs_officer'),
      ph1: warehouse.bearer('ph.wang', 'HOSP-1', 'pharmacist'),
      nurse1: warehouse.bearer('nurse.zhou', 'HOSP-1', 'clinician'),
      ph2: warehouse.bearer('ph.huang', 'HOSP-2', 'pharmacist'),
      regulator: warehouse.bearer('insp.ma', 'REG-1', 'regulator'),
      auditor: warehouse.bearer('aud.he', 'REG-1', 'auditor'),
    };
    verifierKey = loadLedgerSigner(env.cfg.ledger).verifierKey;
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.end();
    for (const app of [regulator, dispensing, warehouse, writer]) await app?.close();
    await env?.teardown();
  });

  it('builds the history through the services', async () => {
    await call(warehouse, 'post', '/v1/imports', 'importer')
      .send({
        declarationNo: 'DECL-R',
        approvalNo: 'APP-H1',
        importerCode: 'IMP-1',
        items: [{ gtin: ORAL, lot: LOT, expiry: '2029-06-30', serials: SERIALS }],
      })
      .expect(201);
    await call(warehouse, 'post', '/v1/imports/DECL-R/arrival', 'importer').expect(200);
    await call(warehouse, 'post', '/v1/receipts', 'operator')
      .send({ declarationNo: 'DECL-R', locationCode: 'BW-1-A', scans: SERIALS.map(scan) })
      .expect(201);
    await call(warehouse, 'post', '/v1/inspections', 'customs')
      .send({ declarationNo: 'DECL-R', result: 'CONFORMANT' })
      .expect(200);
    await call(warehouse, 'post', '/v1/customs-releases', 'customs')
      .send({ declarationNo: 'DECL-R' })
      .expect(200);
    const shipments: Record<string, string> = {};
    for (const [hospital, approvalNo, serials] of [
      ['HOSP-1', 'APP-H1', ['R1', 'R2', 'R3', 'R4']],
      ['HOSP-2', 'APP-H2', ['R5', 'R6', 'R7']],
    ] as const) {
      const shipped = await call(warehouse, 'post', '/v1/shipments', 'operator')
        .send({ destinationCode: hospital, approvalNo, scans: serials.map(scan) })
        .expect(201);
      shipments[hospital] = shipped.body.shipmentId;
    }
    for (const [who, hospital, serials] of [
      ['ph1', 'HOSP-1', ['R1', 'R2', 'R3', 'R4']],
      ['ph2', 'HOSP-2', ['R5', 'R6', 'R7']],
    ] as const) {
      const received = await call(dispensing, 'post', '/v1/receipts', who)
        .send({ shipmentId: shipments[hospital], scans: serials.map(scan) })
        .expect(201);
      expect(received.body).toMatchObject({ received: serials.length, exceptions: [] });
    }
    for (const [name, who, nationalId] of [
      ['A', 'ph1', '460000197001010011'],
      ['B', 'ph1', '460000198001010022'],
      ['C', 'ph2', '460000199001010033'],
    ] as const) {
      const registered = await call(dispensing, 'post', '/v1/patients', who)
        .send({ name: `患者${name}`, nationalId, birthDate: '1980-01-01' })
        .expect(201);
      patients[name] = registered.body.patientRef;
      const prescribed = await call(dispensing, 'post', '/v1/prescriptions', who)
        .send({
          patientRef: patients[name],
          approvalNo: who === 'ph1' ? 'APP-H1' : 'APP-H2',
          gtin: ORAL,
          quantity: 1,
          indication: 'lung cancer',
          prescriber: `dr.${name.toLowerCase()}`,
          ...(name === 'C' ? { takeOut: { days: 28 } } : {}),
        })
        .expect(201);
      prescriptions[name] = prescribed.body.prescriptionId;
    }
    for (const [name, who, serial] of [
      ['A', 'ph1', 'R1'],
      ['B', 'ph1', 'R2'],
      ['C', 'ph2', 'R5'],
    ] as const) {
      await call(dispensing, 'post', '/v1/dispenses', who)
        .send({ prescriptionId: prescriptions[name], scan: scan(serial) })
        .expect(201);
    }
    await call(dispensing, 'post', '/v1/administrations', 'nurse1')
      .send({ scan: scan('R1'), patientRef: patients.A, administeredBy: 'nurse.zhou' })
      .expect(201);
    // A refused attempt: HOSP-2 tries to dispense HOSP-1's pack (on record as an alert).
    const other = await call(dispensing, 'post', '/v1/prescriptions', 'ph2')
      .send({
        patientRef: patients.C,
        approvalNo: 'APP-H2',
        gtin: ORAL,
        quantity: 1,
        indication: 'lung cancer',
        prescriber: 'dr.c',
      })
      .expect(201);
    const wrong = await call(dispensing, 'post', '/v1/dispenses', 'ph2')
      .send({ prescriptionId: other.body.prescriptionId, scan: scan('R3') })
      .expect(422);
    expect(wrong.body.code).toBe('WRONG_CUSTODIAN');
  });

  /** Custody with proofs; 503 until a checkpoint covers the newest entry (signed every 100 ms). */
  async function custodyWithProof(serial: string) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await call(
        regulator,
        'get',
        `/v1/units/${ORAL}/${serial}/custody?proof=true`,
        'regulator',
      );
      if (res.status !== 503) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no checkpoint covered the custody answer');
  }

  it('answers the custody of a pack oldest first, every entry proven to one checkpoint, checkable offline', async () => {
    const res = await custodyWithProof('R1');
    expect(res.status).toBe(200);
    const answer = res.body;
    expect(answer).toMatchObject({
      unit: { gtin: ORAL, serial: 'R1', lot: LOT, expiry: '2029-06-30' },
      state: 'ADMINISTERED',
      custodianCode: 'HOSP-1',
      checkpoint: { treeSize: expect.any(Number), note: expect.stringContaining('\n\n— ') },
    });
    const actions = answer.events.map((e: { action: string }) => e.action);
    const walk = [
      'ANNOUNCE',
      'ARRIVE',
      'RECEIVE_BONDED',
      'INSPECT_CONFORMANT',
      'SHIP',
      'RECEIVE_HOSPITAL',
      'DISPENSE',
      'ADMINISTER',
    ];
    expect(actions.filter((a: string) => walk.includes(a))).toEqual(walk);
    const indexes = answer.events.map((e: { ledgerIndex: number }) => e.ledgerIndex);
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    const byAction = (a: string) => answer.events.find((e: { action: string }) => e.action === a);
    expect(byAction('ARRIVE')).toMatchObject({
      organisationCode: 'IMP-1',
      refs: { declarationNo: 'DECL-R' },
    });
    expect(byAction('SHIP')).toMatchObject({
      organisationCode: 'BW-1',
      actor: { sub: 'op.lin' },
      refs: { approvalNo: 'APP-H1', shipmentId: expect.any(String) },
      bizStep: 'shipping',
      disposition: 'in_transit',
    });
    expect(byAction('DISPENSE')).toMatchObject({
      organisationCode: 'HOSP-1',
      refs: { prescriptionId: prescriptions.A },
    });
    for (const e of answer.events) {
      expect(e.receipt).toEqual({ entry: expect.any(String), inclusion: expect.any(Array) });
    }
    // Offline: the saved answer checks with the CLI and the published key, no database.
    const file = join(dir, 'custody-R1.json');
    writeFileSync(file, JSON.stringify(answer));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(verifyReceiptCommand(file, { key: verifierKey })).toBe(0);
      // The readable part cannot be edited apart from the proven bytes…
      const edited = structuredClone(answer);
      edited.events[4].organisationCode = 'HOSP-2';
      writeFileSync(file, JSON.stringify(edited));
      expect(verifyReceiptCommand(file, { key: verifierKey })).toBe(1);
      expect(log.mock.calls.flat().join('\n')).toContain('organisationCode differs');
      // …nor an entry swapped for another one.
      const swapped = structuredClone(answer);
      swapped.events[1].receipt = answer.events[2].receipt;
      writeFileSync(file, JSON.stringify(swapped));
      expect(verifyReceiptCommand(file, { key: verifierKey })).toBe(1);
    } finally {
      log.mockRestore();
    }
  });

  it('shows refused attempts on a pack to oversight only, and a pack only to its custodian', async () => {
    const asRegulator = await call(regulator, 'get', `/v1/units/${ORAL}/R3/custody`, 'regulator');
    expect(asRegulator.status).toBe(200);
    const alert = asRegulator.body.events.find((e: { type: string }) => e.type === 'alert');
    expect(alert).toMatchObject({
      action: 'DISPENSE',
      organisationCode: 'HOSP-2',
      refusal: { code: 'WRONG_CUSTODIAN' },
    });
    const asHolder = await call(regulator, 'get', `/v1/units/${ORAL}/R3/custody`, 'ph1');
    expect(asHolder.status).toBe(200);
    expect(asHolder.body.events.every((e: { type: string }) => e.type === 'event')).toBe(true);
    // Another hospital's pack and a pack nobody knows get the same refusal: nothing leaks.
    const foreign = await call(regulator, 'get', `/v1/units/${ORAL}/R3/custody`, 'ph2');
    const unknown = await call(regulator, 'get', `/v1/units/${ORAL}/NOPE/custody`, 'ph2');
    expect([foreign.status, unknown.status]).toEqual([403, 403]);
    expect(foreign.body.code).toBe(unknown.body.code);
    const missing = await call(regulator, 'get', `/v1/units/${ORAL}/NOPE/custody`, 'regulator');
    expect({ status: missing.status, code: missing.body.code }).toEqual({
      status: 422,
      code: 'UNKNOWN_SERIAL',
    });
    const badGtin = await call(regulator, 'get', `/v1/units/123/R1/custody`, 'regulator');
    expect(badGtin.status).toBe(400);
  });

  it('looks back: exactly the three patients who received the lot, with institution and dates', async () => {
    const res = await call(regulator, 'get', `/v1/lots/${ORAL}/${LOT}/patients`, 'auditor').expect(
      200,
    );
    const rows = [...res.body].sort((a, b) => a.serial.localeCompare(b.serial));
    expect(rows).toEqual([
      expect.objectContaining({
        patientRef: patients.A,
        institutionCode: 'HOSP-1',
        serial: 'R1',
        administeredAt: expect.any(String),
        takeOut: false,
        prescriber: 'dr.a',
      }),
      expect.objectContaining({
        patientRef: patients.B,
        institutionCode: 'HOSP-1',
        serial: 'R2',
        administeredAt: null,
        takeOut: false,
      }),
      expect.objectContaining({
        patientRef: patients.C,
        institutionCode: 'HOSP-2',
        serial: 'R5',
        takeOut: true,
        prescriber: 'dr.c',
      }),
    ]);
    for (const r of rows) expect(r.dispensedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const board = await call(regulator, 'get', `/v1/lots/${ORAL}/${LOT}/board`, 'regulator').expect(
      200,
    );
    expect(board.body).toMatchObject({
      total: 8,
      byState: { ADMINISTERED: 1, DISPENSED: 1, TAKEN_OUT: 1, HOSPITAL_STOCK: 4, BONDED_STOCK: 1 },
    });
    await call(regulator, 'get', `/v1/lots/${ORAL}/${LOT}/patients`, 'ph1').expect(403);
  });

  it('recalls the lot: what is left flips to RECALLED, the next dispense and shipment are refused', async () => {
    await call(regulator, 'post', '/v1/recalls', 'ph1')
      .send({ gtin: ORAL, lot: LOT, recallClass: 'I', reason: 'x' })
      .expect(403);
    for (const bad of [
      { gtin: ORAL, lot: LOT, recallClass: 'IV', reason: 'x' },
      { gtin: ORAL, lot: LOT, recallClass: 'I' },
      { gtin: '123', lot: LOT, recallClass: 'I', reason: 'x' },
    ]) {
      await call(regulator, 'post', '/v1/recalls', 'regulator').send(bad).expect(400);
    }
    const unknownLot = await call(regulator, 'post', '/v1/recalls', 'regulator')
      .send({ gtin: ORAL, lot: 'NOLOT', recallClass: 'I', reason: 'x' })
      .expect(422);
    expect(unknownLot.body.code).toBe('UNKNOWN_LOT');
    expect((await db.query(`SELECT count(*)::int AS n FROM recalls`)).rows[0].n).toBe(0);

    const recall = await call(regulator, 'post', '/v1/recalls', 'regulator')
      .send({ gtin: ORAL, lot: LOT, recallClass: 'I', reason: 'particles in the tablets' })
      .expect(201);
    recallId = recall.body.recallId;
    // R2 (dispensed, not yet taken), R3, R4, R6, R7 (hospital stock), R8 (bonded stock).
    expect(recall.body).toMatchObject({ affected: 6, ledgerIndexes: [expect.any(Number)] });
    const states = Object.fromEntries(
      (await db.query(`SELECT serial, state FROM units ORDER BY serial`)).rows.map((r) => [
        r.serial,
        r.state,
      ]),
    );
    expect(states).toEqual({
      R1: 'ADMINISTERED',
      R2: 'RECALLED',
      R3: 'RECALLED',
      R4: 'RECALLED',
      R5: 'TAKEN_OUT',
      R6: 'RECALLED',
      R7: 'RECALLED',
      R8: 'RECALLED',
    });
    const rx = await call(dispensing, 'post', '/v1/prescriptions', 'ph1')
      .send({
        patientRef: patients.B,
        approvalNo: 'APP-H1',
        gtin: ORAL,
        quantity: 1,
        indication: 'lung cancer',
        prescriber: 'dr.b',
      })
      .expect(201);
    const refused = await call(dispensing, 'post', '/v1/dispenses', 'ph1')
      .send({ prescriptionId: rx.body.prescriptionId, scan: scan('R3') })
      .expect(422);
    expect(refused.body.code).toBe('RECALLED');
    const shipment = await call(warehouse, 'post', '/v1/shipments', 'operator')
      .send({ destinationCode: 'HOSP-1', approvalNo: 'APP-H1', scans: [scan('R8')] })
      .expect(422);
    expect(shipment.body.code).toBe('RECALLED');
  });

  it('shows the recall with its patients and outstanding packs, and never withdraws it', async () => {
    const res = await call(regulator, 'get', `/v1/recalls/${recallId}`, 'auditor').expect(200);
    expect(res.body).toMatchObject({
      gtin: ORAL,
      lot: LOT,
      recallClass: 'I',
      affected: 6,
      issuedBy: 'insp.ma',
    });
    expect(res.body.patients.map((p: { serial: string }) => p.serial).sort()).toEqual([
      'R1',
      'R2',
      'R5',
    ]);
    expect(res.body.outstanding).toEqual(
      expect.arrayContaining([
        { custodianCode: 'HOSP-1', locationCode: null, state: 'RECALLED', units: 3 },
        { custodianCode: 'HOSP-2', locationCode: null, state: 'RECALLED', units: 2 },
        { custodianCode: 'BW-1', locationCode: 'BW-1-A', state: 'RECALLED', units: 1 },
      ]),
    );
    const entry = JSON.parse(
      Buffer.from(
        (
          await db.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [
            res.body.ledgerIndexes[0],
          ])
        ).rows[0].entry,
      ).toString('utf8'),
    );
    expect(entry).toMatchObject({
      action: 'RECALL',
      refs: { recallId },
      context: { recallClass: 'I' },
      actor: { org: 'REG-1' },
    });
    const withdraw = await call(regulator, 'delete', `/v1/recalls/${recallId}`, 'regulator');
    expect({ status: withdraw.status, code: withdraw.body.code }).toEqual({
      status: 409,
      code: 'BATCH_RECALL_IRREVERSIBLE',
    });
    // Even the schema owner's app role cannot rewrite what was recalled.
    const app = databaseClient(env.cfg, 'app');
    await app.connect();
    try {
      await expect(
        app.query(`UPDATE recalls SET lot = 'OTHER' WHERE recall_id = $1`, [recallId]),
      ).rejects.toThrow(/permission denied/);
      await expect(app.query(`DELETE FROM recalls`)).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    await call(regulator, 'get', `/v1/recalls/${recallId}`, 'ph1').expect(403);
  });

  it('suspends the product: nothing of it is released, prescribed or dispensed until lifted', async () => {
    const suspension = `/v1/products/${ORAL}/suspension`;
    await call(regulator, 'post', suspension, 'ph1').send({ reason: 'x' }).expect(403);
    await call(regulator, 'post', suspension, 'regulator').send({}).expect(400);
    await call(regulator, 'post', `/v1/products/123/suspension`, 'regulator')
      .send({ reason: 'x' })
      .expect(400);
    const lifted0 = await call(regulator, 'delete', suspension, 'regulator').send({ reason: 'x' });
    expect({ status: lifted0.status, code: lifted0.body.code }).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    const suspended = await call(regulator, 'post', suspension, 'regulator')
      .send({ reason: 'serious reactions reported abroad' })
      .expect(201);
    expect(suspended.body).toMatchObject({ gtin: ORAL, ledgerIndex: expect.any(Number) });
    const again = await call(regulator, 'post', suspension, 'regulator').send({ reason: 'x' });
    expect({ status: again.status, code: again.body.code }).toEqual({
      status: 422,
      code: 'PRODUCT_SUSPENDED',
    });
    const entry = JSON.parse(
      Buffer.from(
        (
          await db.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [
            suspended.body.ledgerIndex,
          ])
        ).rows[0].entry,
      ).toString('utf8'),
    );
    expect(entry).toMatchObject({
      action: 'RECORD',
      units: [],
      epcis: {
        bizStep: 'tl:suspending',
        quantityList: [{ epcClass: `https://id.gs1.org/01/${ORAL}` }],
      },
    });
    const prescribe = () =>
      call(dispensing, 'post', '/v1/prescriptions', 'ph1').send({
        patientRef: patients.B,
        approvalNo: 'APP-H1',
        gtin: ORAL,
        quantity: 1,
        indication: 'lung cancer',
        prescriber: 'dr.b',
      });
    const refusedRx = await prescribe().expect(422);
    expect(refusedRx.body.code).toBe('PRODUCT_SUSPENDED');
    const dispense = await call(dispensing, 'post', '/v1/dispenses', 'ph1')
      .send({ prescriptionId: prescriptions.B, scan: scan('R4') })
      .expect(422);
    expect(dispense.body.code).toBe('PRODUCT_SUSPENDED');
    const shipment = await call(warehouse, 'post', '/v1/shipments', 'operator')
      .send({ destinationCode: 'HOSP-1', approvalNo: 'APP-H1', scans: [scan('R8')] })
      .expect(422);
    expect(shipment.body.code).toBe('PRODUCT_SUSPENDED');
    const lifted = await call(regulator, 'delete', suspension, 'regulator')
      .send({ reason: 'review closed: no causal link' })
      .expect(200);
    expect(lifted.body).toMatchObject({
      liftedBy: 'insp.ma',
      liftLedgerIndex: expect.any(Number),
    });
    await prescribe().expect(201);
    const history = await call(
      regulator,
      'get',
      `/v1/products/${ORAL}/suspensions`,
      'auditor',
    ).expect(200);
    expect(history.body).toHaveLength(1);
  });
});
