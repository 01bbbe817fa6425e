import { parseVerifierKey } from '@trace/ledger';
import { auditLedger, loadLedgerSigner } from '@trace/ledger-store';
import { Clock } from '@trace/platform';
import { LedgerQueueClient } from '@trace/queue';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { ledgerSteps } from './dispensing-fixtures';
import { DISPENSING_API_HTTP } from '../../apps/dispensing-api/src/http-options';
import { DispensingApiModule } from '../../apps/dispensing-api/src/dispensing-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';

const GS = '\u001d';
const ORAL = '09506000134352';
const scan = (serial: string) => `]d201${ORAL}1729063010L1${GS}21${serial}`;
const DAY = 86_400_000;

/**
 * One hospital's whole walk with its packs, through the HTTP API as pharmacists and
 * clinicians use it: a shipment is received, packs are dispensed, administered, taken out,
 * undone, returned and reported on; each step is checked in the units' state and in the
 * ledger's entries, and the log verifies at the end. The service clock is moved to test the
 * 10-day undo window.
 */
describe('dispensing-api: a hospital’s walk from receipt to administration', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let dispensing: TestApp;
  let db: Client;
  let pharmacist: string;
  let clinician: string;
  let patientRef: string;
  /** The prescription of three packs the walk dispenses from. */
  let rx: string;
  let clock: jest.SpyInstance<Date, []>;
  const shipmentId = randomUUID();

  const post = (path: string, body: object, bearer = pharmacist) =>
    dispensing.http.post(path).set('Authorization', bearer).send(body);
  const stateOf = async (serial: string) =>
    (await db.query(`SELECT state FROM units WHERE serial = $1`, [serial])).rows[0]?.state;
  /** The pack's ledger history: action and entry type, oldest first. */
  const historyOf = async (serial: string) =>
    (
      await db.query(
        `SELECT l.action, l.entry_type, l.refusal_code FROM unit_events u JOIN ledger_entries l ON l.idx = u.idx
          WHERE u.serial = $1 ORDER BY u.idx`,
        [serial],
      )
    ).rows.map((r) =>
      r.entry_type === 'alert' ? `alert ${r.action} ${r.refusal_code}` : r.action,
    );
  const entryAt = async (index: number) =>
    JSON.parse(
      Buffer.from(
        (await db.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [index])).rows[0].entry,
      ).toString('utf8'),
    );
  const snapshot = async () => ({
    units: (
      await db.query(`SELECT serial, state, custodian_org, patient_ref FROM units ORDER BY serial`)
    ).rows,
    dispenses: (await db.query(`SELECT dispense_id, undone_at FROM dispenses ORDER BY 1`)).rows,
    events: (
      await db.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE entry_type = 'event'`)
    ).rows[0].n,
  });

  beforeAll(async () => {
    env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await db.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('BW-1', 'Warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-W', 'Walk Hospital', 'HOSPITAL');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES
        ('${ORAL}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL');
      INSERT INTO approvals (approval_no, gtin, institution_code, patient_ref, indications, quantity, valid_from, valid_to, issued_by) VALUES
        ('APP-W', '${ORAL}', 'HOSP-W', NULL, '{lung cancer}', 20, '2026-01-01', '2030-12-31', 'reg');`);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    dispensing = await startTestApp(env.cfg, DispensingApiModule, DISPENSING_API_HTTP);
    clock = jest.spyOn(dispensing.app.get(Clock), 'now');
    pharmacist = dispensing.bearer('ph.wang', 'HOSP-W', 'pharmacist');
    clinician = dispensing.bearer('nurse.zhou', 'HOSP-W', 'clinician');
    const { toHospital } = ledgerSteps('walk-setup', ORAL, 'APP-W');
    const verdicts = await dispensing.app.get(LedgerQueueClient).submitAndWait(
      ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'].flatMap((s) =>
        toHospital(s, 'HOSP-W', { shipmentId, received: false }),
      ),
      20000,
    );
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
  });

  afterAll(async () => {
    clock?.mockRestore();
    await db?.end();
    await dispensing?.close();
    await writer?.close();
    await env?.teardown();
  });

  it('receives the shipment into hospital stock', async () => {
    const res = await post('/v1/receipts', {
      shipmentId,
      scans: ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'].map(scan),
    }).expect(201);
    expect(res.body).toMatchObject({ received: 6, missing: [], unexpected: [], exceptions: [] });
    for (const s of ['W1', 'W6']) expect(await stateOf(s)).toBe('HOSPITAL_STOCK');
    const custodians = await db.query(`SELECT DISTINCT custodian_org FROM units`);
    expect(custodians.rows).toEqual([{ custodian_org: 'HOSP-W' }]);
  });

  it('registers the patient, prescribes, dispenses, and the clinician administers', async () => {
    patientRef = (
      await post('/v1/patients', {
        name: '李娜',
        nationalId: '460000198502020022',
        birthDate: '1985-02-02',
      }).expect(201)
    ).body.patientRef;
    const prescribed = await post('/v1/prescriptions', {
      patientRef,
      approvalNo: 'APP-W',
      gtin: ORAL,
      quantity: 3,
      indication: 'lung cancer',
      prescriber: 'dr.li',
    }).expect(201);
    const verified = await dispensing.http
      .get('/v1/verify')
      .query({ code: scan('W1') })
      .set('Authorization', pharmacist)
      .expect(200);
    expect(verified.body.status).toBe('OK');
    rx = prescribed.body.prescriptionId;
    const dispensed = await post('/v1/dispenses', { prescriptionId: rx, scan: scan('W1') }).expect(
      201,
    );
    expect(await entryAt(dispensed.body.ledgerIndex)).toMatchObject({
      action: 'DISPENSE',
      refs: { prescriptionId: rx, approvalNo: 'APP-W' },
      context: { patientRef },
      epcis: { bizStep: 'dispensing', disposition: 'dispensed' },
    });
    const given = await post(
      '/v1/administrations',
      { scan: scan('W1'), patientRef, administeredBy: 'nurse.zhou' },
      clinician,
    ).expect(201);
    expect(await entryAt(given.body.ledgerIndex)).toMatchObject({
      action: 'ADMINISTER',
      actor: { sub: 'nurse.zhou', org: 'HOSP-W', roles: ['clinician'] },
      epcis: { bizStep: 'tl:administering' },
    });
    expect(await stateOf('W1')).toBe('ADMINISTERED');
  });

  it('undoes a mistaken dispense as a correction of it', async () => {
    const dispensed = await post('/v1/dispenses', { prescriptionId: rx, scan: scan('W2') }).expect(
      201,
    );
    const dispenseEntry = await entryAt(dispensed.body.ledgerIndex);
    const undone = await post(`/v1/dispenses/${dispensed.body.dispenseId}/undo`, {}).expect(200);
    expect(await entryAt(undone.body.ledgerIndex)).toMatchObject({
      action: 'UNDO_DISPENSE',
      refs: { correctsEventId: dispenseEntry.eventId },
      epcis: { 'tl:corrects': dispenseEntry.eventId },
    });
    expect(await stateOf('W2')).toBe('HOSPITAL_STOCK');
  });

  it('refuses an undo after 10 days, on record and changing nothing', async () => {
    const dispensed = await post('/v1/dispenses', { prescriptionId: rx, scan: scan('W5') }).expect(
      201,
    );
    const before = await snapshot();
    clock.mockReturnValue(new Date(Date.now() + 10 * DAY + 60_000));
    try {
      const late = await post(`/v1/dispenses/${dispensed.body.dispenseId}/undo`, {}).expect(422);
      expect(late.body.code).toBe('UNDO_WINDOW_EXCEEDED');
      expect(late.body.alertIndex).toEqual(expect.any(Number));
    } finally {
      clock.mockRestore();
      clock = jest.spyOn(dispensing.app.get(Clock), 'now');
    }
    expect(await snapshot()).toEqual(before);
    expect(await stateOf('W5')).toBe('DISPENSED');
    expect((await historyOf('W5')).slice(-2)).toEqual([
      'DISPENSE',
      'alert UNDO_DISPENSE UNDO_WINDOW_EXCEEDED',
    ]);
  });

  it('dispenses a take-out: the pack leaves with the patient', async () => {
    const rx = await post('/v1/prescriptions', {
      patientRef,
      approvalNo: 'APP-W',
      gtin: ORAL,
      quantity: 1,
      indication: 'lung cancer',
      prescriber: 'dr.li',
      takeOut: { days: 28 },
    }).expect(201);
    const taken = await post('/v1/dispenses', {
      prescriptionId: rx.body.prescriptionId,
      scan: scan('W3'),
    }).expect(201);
    expect(taken.body.action).toBe('TAKE_OUT');
    expect(await entryAt(taken.body.ledgerIndex)).toMatchObject({
      action: 'TAKE_OUT',
      context: { patientRef },
      epcis: { action: 'DELETE', bizStep: 'dispensing' },
    });
    expect(await stateOf('W3')).toBe('TAKEN_OUT');
  });

  it('reports an adverse event against the administered pack', async () => {
    const report = await post('/v1/adverse-events', {
      patientRef,
      scan: scan('W1'),
      severity: 'MODERATE',
      description: 'dizziness an hour after the dose',
    }).expect(201);
    const entry = await entryAt(report.body.ledgerIndex);
    expect(entry).toMatchObject({
      action: 'RECORD',
      context: { patientRef, severity: 'MODERATE' },
    });
    expect(JSON.stringify(entry)).not.toContain('dizziness');
  });

  it('returns packs to the warehouse that shipped them', async () => {
    const res = await post('/v1/returns', {
      scans: [scan('W4'), scan('W2')],
      reason: 'outer box crushed in the ward',
    }).expect(201);
    expect(res.body).toMatchObject({
      units: 2,
      destinations: [{ destinationCode: 'BW-1', units: 2, ledgerIndex: expect.any(Number) }],
    });
    expect(await entryAt(res.body.destinations[0].ledgerIndex)).toMatchObject({
      action: 'RETURN_SHIP',
      refs: { shipmentId: res.body.returnId },
      context: { destinationOrg: 'BW-1', reason: 'outer box crushed in the ward' },
      epcis: { bizStep: 'shipping', disposition: 'returned' },
    });
    const rows = await db.query(
      `SELECT serial, state, custodian_org, destination_org FROM units WHERE serial IN ('W2', 'W4') ORDER BY serial`,
    );
    expect(rows.rows).toEqual([
      { serial: 'W2', state: 'RETURNED', custodian_org: 'HOSP-W', destination_org: 'BW-1' },
      { serial: 'W4', state: 'RETURNED', custodian_org: 'HOSP-W', destination_org: 'BW-1' },
    ]);
  });

  it.each([
    [
      'an administered pack (all or nothing: the good pack stays)',
      () => ({ scans: [scan('W6'), scan('W1')], reason: 'unused' }),
      409,
      'INVALID_STATE_TRANSITION',
    ],
    [
      'a pack named twice',
      () => ({ scans: [scan('W6'), scan('W6')], reason: 'unused' }),
      409,
      'DUPLICATE_CODE_USE',
    ],
    [
      'a pack the hospital does not hold',
      () => ({ scans: [scan('NOPE')], reason: 'unused' }),
      422,
      'WRONG_CUSTODIAN',
    ],
    [
      'an unknown destination',
      () => ({ scans: [scan('W6')], reason: 'unused', destinationCode: 'NOWHERE' }),
      422,
      'UNKNOWN_ORGANISATION',
    ],
    [
      'the hospital itself as destination',
      () => ({ scans: [scan('W6')], reason: 'unused', destinationCode: 'HOSP-W' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unreadable scan',
      () => ({ scans: ['garbage'], reason: 'unused' }),
      400,
      'BARCODE_INVALID',
    ],
    ['no reason', () => ({ scans: [scan('W6')] }), 400, 'VALIDATION_FAILED'],
  ])('refuses a return of %s, changing nothing', async (_what, body, status, code) => {
    const before = await snapshot();
    const res = await post('/v1/returns', body());
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(await snapshot()).toEqual(before);
    expect(await stateOf('W6')).toBe('HOSPITAL_STOCK');
  });

  it('refuses administration of a pack not dispensed to that patient, changing nothing', async () => {
    const before = await snapshot();
    const res = await post(
      '/v1/administrations',
      { scan: scan('W6'), patientRef, administeredBy: 'nurse.zhou' },
      clinician,
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INVALID_STATE_TRANSITION');
    expect(await snapshot()).toEqual(before);
  });

  it('leaves each pack a complete history in a log that verifies', async () => {
    const shipped = ['ANNOUNCE', 'ARRIVE', 'RECEIVE_BONDED', 'INSPECT_CONFORMANT', 'SHIP'];
    expect(await historyOf('W1')).toEqual([
      ...shipped,
      'RECEIVE_HOSPITAL',
      'DISPENSE',
      'ADMINISTER',
      'RECORD',
      'alert RETURN_SHIP INVALID_STATE_TRANSITION',
    ]);
    expect(await historyOf('W2')).toEqual([
      ...shipped,
      'RECEIVE_HOSPITAL',
      'DISPENSE',
      'UNDO_DISPENSE',
      'RETURN_SHIP',
    ]);
    expect(await historyOf('W3')).toEqual([...shipped, 'RECEIVE_HOSPITAL', 'TAKE_OUT']);
    const key = parseVerifierKey(loadLedgerSigner(env.cfg.ledger).verifierKey);
    expect(await auditLedger(db, [key])).toMatchObject({ ok: true });
  });
});
