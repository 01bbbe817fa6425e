import { LedgerQueueClient } from '@trace/queue';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import type { Client } from 'pg';
import { ledgerSteps } from './dispensing-fixtures';
import { DISPENSING_API_HTTP } from '../../apps/dispensing-api/src/http-options';
import { DispensingApiModule } from '../../apps/dispensing-api/src/dispensing-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import { SequencerWorkerService } from '../../apps/ledger-writer/src/sequencer/sequencer-worker.service';

const GS = '\u001d';
const ORAL = '09506000134352';
const INJ = '09506000134369';
const scan = (serial: string, lot = 'L1', gtin = ORAL) =>
  `]d201${gtin}1729063010${lot}${GS}21${serial}`;

/** Prescriptions against approvals, and dispensing answered only after the ledger committed. */
describe('dispensing-api: prescriptions and dispensing', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let dispensing: TestApp;
  let db: Client;
  let pharmacist: string;
  let patientRef: string;
  const { step, toHospital } = ledgerSteps('dispense-setup', ORAL, 'APP-1');
  /** Walks packs through the ledger into a hospital's stock. */
  async function stock(serials: string[], hospital = 'HOSP-1', gtin = ORAL) {
    const events = serials.flatMap((s) => toHospital(s, hospital, { gtin }));
    const verdicts = await dispensing.app.get(LedgerQueueClient).submitAndWait(events, 20000);
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
  }

  beforeAll(async () => {
    env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await db.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('BW-1', 'Warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-1', 'Hospital One', 'HOSPITAL'), ('HOSP-2', 'Hospital Two', 'HOSPITAL'), ('REG-1', 'Regulator', 'REGULATOR');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES
        ('${ORAL}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL'), ('${INJ}', 'Infusion', 'DRUG', 7, 'infusion', 'INTRAVENOUS');
      INSERT INTO approvals (approval_no, gtin, institution_code, patient_ref, indications, quantity, valid_from, valid_to, issued_by) VALUES
        ('APP-1', '${ORAL}', 'HOSP-1', NULL, '{lung cancer}', 40, '2026-01-01', '2030-12-31', 'reg'),
        ('APP-INJ', '${INJ}', 'HOSP-1', NULL, '{lung cancer}', 5, '2026-01-01', '2030-12-31', 'reg'),
        ('APP-OTHER', '${ORAL}', 'HOSP-1', 'pt-00000000000000000000000000000000', '{lung cancer}', 5, '2026-01-01', '2030-12-31', 'reg');`);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    dispensing = await startTestApp(env.cfg, DispensingApiModule, DISPENSING_API_HTTP);
    pharmacist = dispensing.bearer('ph', 'HOSP-1', 'pharmacist');
    const patient = await dispensing.http
      .post('/v1/patients')
      .set('Authorization', pharmacist)
      .send({ name: '张伟', nationalId: '460000197001010011', birthDate: '1970-01-01' })
      .expect(201);
    patientRef = patient.body.patientRef;
    await stock(['D1', 'D2', 'D3', 'D4', 'D6', 'D7', 'D8', 'D9', 'D10', 'D11', 'D12', 'D13']);
    await stock(['D5'], 'HOSP-2');
    await stock(['I1'], 'HOSP-1', INJ);
    const ledger = dispensing.app.get(LedgerQueueClient);
    const verdicts = await ledger.submitAndWait(
      [
        step('RECALL', 'REG-1', 'regulator', 'D6'),
        step('HOLD', 'HOSP-1', 'pharmacist', 'D7', { context: { reason: 'damaged box' } }),
        step('EXPIRE', 'HOSP-1', 'pharmacist', 'D8', { eventTime: '2029-07-01T00:00:00.000Z' }),
      ],
      15000,
    );
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
  });

  afterAll(async () => {
    await db?.end();
    await dispensing?.close();
    await writer?.close();
    await env?.teardown();
  });

  const prescribe = (body: object, bearer = pharmacist) =>
    dispensing.http
      .post('/v1/prescriptions')
      .set('Authorization', bearer)
      .send({
        patientRef,
        approvalNo: 'APP-1',
        gtin: ORAL,
        quantity: 1,
        indication: 'lung cancer',
        prescriber: 'dr.li',
        ...body,
      });
  const dispense = (prescriptionId: string, code: string) =>
    dispensing.http
      .post('/v1/dispenses')
      .set('Authorization', pharmacist)
      .send({ prescriptionId, scan: code });
  const snapshot = async () => ({
    units: (await db.query(`SELECT serial, state, patient_ref FROM units ORDER BY gtin, serial`))
      .rows,
    dispenses: (await db.query(`SELECT count(*)::int AS n FROM dispenses`)).rows[0].n,
    prescriptions: (await db.query(`SELECT count(*)::int AS n FROM prescriptions`)).rows[0].n,
  });

  it.each([
    [
      'an indication the approval does not name',
      { indication: 'headache' },
      'INDICATION_NOT_APPROVED',
    ],
    ['more than the approval has left', { quantity: 41 }, 'QUOTA_EXCEEDED'],
    [
      'a per-patient approval for another patient',
      { approvalNo: 'APP-OTHER' },
      'NO_VALID_APPROVAL',
    ],
    ['a product the approval is not for', { gtin: INJ }, 'NO_VALID_APPROVAL'],
    [
      'a take-out of an intravenous product',
      { approvalNo: 'APP-INJ', gtin: INJ, takeOut: { days: 7 } },
      'TAKEOUT_NOT_PERMITTED',
    ],
    ['a take-out of more than 28 days', { takeOut: { days: 29 } }, 'TAKEOUT_QUANTITY_EXCEEDED'],
  ])('refuses a prescription with %s, changing nothing', async (_what, body, code) => {
    const before = await snapshot();
    const res = await prescribe(body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a prescription against another institution’s approval as against an unknown one', async () => {
    const other = dispensing.bearer('ph2', 'HOSP-2', 'pharmacist');
    const registered = await dispensing.http
      .post('/v1/patients')
      .set('Authorization', other)
      .send({ name: '张伟', nationalId: '460000197001010011', birthDate: '1970-01-01' })
      .expect(201);
    const res = await prescribe({ patientRef: registered.body.patientRef }, other).expect(422);
    expect(res.body.code).toBe('NO_VALID_APPROVAL');
    // Nothing tells HOSP-2 that APP-1 exists, nor its product or dates.
    const unknown = await prescribe(
      { patientRef: registered.body.patientRef, approvalNo: 'APP-NONE' },
      other,
    ).expect(422);
    expect(res.body.detail).toBe(unknown.body.detail);
  });

  /** How the ledger-writer's sequencer has decided and written batches so far. */
  const sequencerStats = () => ({ ...writer.app.get(SequencerWorkerService).stats });

  it('dispenses a pack once the ledger committed it, with its lot and expiry', async () => {
    const { body } = await prescribe({ quantity: 2 }).expect(201);
    const before = sequencerStats();
    const res = await dispense(body.prescriptionId, scan('D1')).expect(201);
    // Decided on the pack as dispensing-api read it, which held when written (ADR 0018).
    expect(sequencerStats()).toMatchObject({
      decidedOnProducerRead: before.decidedOnProducerRead + 1,
      redecided: before.redecided,
    });
    expect(res.body).toMatchObject({
      dispenseId: expect.any(String),
      ledgerIndex: expect.any(Number),
      unit: { gtin: ORAL, serial: 'D1', lot: 'L1', expiry: '2029-06-30' },
    });
    const unit = (await db.query(`SELECT state, patient_ref FROM units WHERE serial = 'D1'`))
      .rows[0];
    expect(unit).toEqual({ state: 'DISPENSED', patient_ref: patientRef });
    const entry = (
      await db.query(`SELECT action, entry_type FROM ledger_entries WHERE idx = $1`, [
        res.body.ledgerIndex,
      ])
    ).rows[0];
    expect(entry).toEqual({ action: 'DISPENSE', entry_type: 'event' });
    // The row the event carried to the sequencer is not part of the entry.
    const stored = (
      await db.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [res.body.ledgerIndex])
    ).rows[0].entry as Buffer;
    expect(stored.toString('utf8')).not.toMatch(/unitsAsRead|last_index|lastIndex/);
  });

  it.each([
    ['a pack already dispensed', () => scan('D1'), 409, 'ALREADY_DISPENSED'],
    ['another hospital’s pack', () => scan('D5'), 422, 'WRONG_CUSTODIAN'],
    ['a recalled pack', () => scan('D6'), 422, 'RECALLED'],
    ['a pack on hold', () => scan('D7'), 422, 'ON_HOLD'],
    ['an expired pack', () => scan('D8'), 422, 'EXPIRED'],
    ['a pack of another lot than the scan says', () => scan('D2', 'L9'), 422, 'LOT_MISMATCH'],
    ['an unknown pack', () => scan('NOPE'), 422, 'UNKNOWN_SERIAL'],
    ['another product than prescribed', () => scan('I1', 'L1', INJ), 422, 'VALIDATION_FAILED'],
    ['an unreadable scan', () => 'garbage', 400, 'BARCODE_INVALID'],
  ])('refuses to dispense %s, changing nothing', async (_what, code, status, problem) => {
    const { body } = await prescribe({}).expect(201);
    const before = await snapshot();
    const res = await dispense(body.prescriptionId, code());
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code: problem });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a dispense beyond the prescribed quantity, changing nothing', async () => {
    const { body } = await prescribe({ quantity: 1 }).expect(201);
    await dispense(body.prescriptionId, scan('D12')).expect(201);
    const before = await snapshot();
    const res = await dispense(body.prescriptionId, scan('D13')).expect(422);
    expect(res.body.code).toBe('QUOTA_EXCEEDED');
    // The pack that used the quota, scanned again: what is wrong is the pack, not the quota
    // (also how the losers of a race for the last pack are answered when they read late).
    const again = await dispense(body.prescriptionId, scan('D12')).expect(409);
    expect(again.body.code).toBe('ALREADY_DISPENSED');
    expect(await snapshot()).toEqual(before);
  });

  it('of many counters dispensing one pack at once, exactly one succeeds', async () => {
    const sameRx = (await prescribe({ quantity: 1 }).expect(201)).body.prescriptionId;
    const others = await Promise.all(
      [1, 2, 3, 4].map(async () => (await prescribe({}).expect(201)).body.prescriptionId),
    );
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => dispense(sameRx, scan('D3'))),
      ...others.map((rx: string) => dispense(rx, scan('D3'))),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201))
      expect(r.body.code).toBe('ALREADY_DISPENSED');
    const recorded = (
      await db.query(`SELECT count(*)::int AS n FROM dispenses WHERE serial = 'D3'`)
    ).rows[0].n;
    expect(recorded).toBe(1);
    const ledger = await db.query(
      `SELECT l.entry_type, count(*)::int AS n FROM ledger_entries l JOIN unit_events u ON u.idx = l.idx
        WHERE u.serial = 'D3' AND l.action = 'DISPENSE' GROUP BY 1 ORDER BY 1`,
    );
    // One dispense in the log; the other prescriptions' attempts are on record as alerts.
    expect(ledger.rows).toEqual([
      { entry_type: 'alert', n: 4 },
      { entry_type: 'event', n: 1 },
    ]);
    expect((await db.query(`SELECT state FROM units WHERE serial = 'D3'`)).rows[0].state).toBe(
      'DISPENSED',
    );
  });

  it('answers 503 with a retry hint when the ledger is away — never a false success — and a retry then succeeds once', async () => {
    const { body } = await prescribe({}).expect(201);
    await writer.close();
    const away = await dispense(body.prescriptionId, scan('D4'));
    expect(away.status).toBe(503);
    expect(away.headers['retry-after']).toBe('2');
    expect((await db.query(`SELECT state FROM units WHERE serial = 'D4'`)).rows[0].state).toBe(
      'HOSPITAL_STOCK',
    );
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    const retried = await dispense(body.prescriptionId, scan('D4')).expect(201);
    const events = await db.query(
      `SELECT count(*)::int AS n FROM ledger_entries l JOIN unit_events u ON u.idx = l.idx
        WHERE u.serial = 'D4' AND l.action = 'DISPENSE'`,
    );
    expect(events.rows[0].n).toBe(1); // the queued attempt and the retry are one event
    expect(retried.body.ledgerIndex).toEqual(expect.any(Number));
  }, 30000);

  it('undoes a dispense as a correction, by the pharmacist who dispensed it only', async () => {
    const { body } = await prescribe({}).expect(201);
    const done = await dispense(body.prescriptionId, scan('D9')).expect(201);
    const colleague = dispensing.bearer('ph-other', 'HOSP-1', 'pharmacist');
    const before = await snapshot();
    const refused = await dispensing.http
      .post(`/v1/dispenses/${done.body.dispenseId}/undo`)
      .set('Authorization', colleague)
      .expect(403);
    expect(refused.body.code).toBe('UNDO_BY_DIFFERENT_USER');
    expect(await snapshot()).toEqual(before);
    expect((await db.query(`SELECT state FROM units WHERE serial = 'D9'`)).rows[0].state).toBe(
      'DISPENSED',
    );
    const stats = sequencerStats();
    const undone = await dispensing.http
      .post(`/v1/dispenses/${done.body.dispenseId}/undo`)
      .set('Authorization', pharmacist)
      .expect(200);
    expect(sequencerStats()).toMatchObject({
      decidedOnProducerRead: stats.decidedOnProducerRead + 1,
      redecided: stats.redecided,
    });
    expect((await db.query(`SELECT state FROM units WHERE serial = 'D9'`)).rows[0].state).toBe(
      'HOSPITAL_STOCK',
    );
    const entry = JSON.parse(
      Buffer.from(
        (
          await db.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [
            undone.body.ledgerIndex,
          ])
        ).rows[0].entry,
      ).toString('utf8'),
    );
    expect(entry).toMatchObject({
      action: 'UNDO_DISPENSE',
      refs: { correctsEventId: expect.any(String) },
    });
    await dispensing.http
      .post(`/v1/dispenses/${done.body.dispenseId}/undo`)
      .set('Authorization', pharmacist)
      .expect(409);
    // The pack can be dispensed again, as a new event.
    await dispense(body.prescriptionId, scan('D9')).expect(201);
  });

  it('records administration only to the patient the pack was dispensed to', async () => {
    const clinician = dispensing.bearer('nurse', 'HOSP-1', 'clinician');
    const administer = (ref: string) =>
      dispensing.http
        .post('/v1/administrations')
        .set('Authorization', clinician)
        .send({ scan: scan('D9'), patientRef: ref, administeredBy: 'nurse.zhou' });
    const wrong = await administer('pt-11111111111111111111111111111111').expect(422);
    expect(wrong.body.code).toBe('WRONG_CUSTODIAN');
    await administer(patientRef).expect(201);
    expect((await db.query(`SELECT state FROM units WHERE serial = 'D9'`)).rows[0].state).toBe(
      'ADMINISTERED',
    );
  });

  it('take-out: dispensed as TAKEN_OUT; an early refill needs the prescriber’s reason', async () => {
    const first = await prescribe({ takeOut: { days: 14 } }).expect(201);
    const taken = await dispense(first.body.prescriptionId, scan('D10')).expect(201);
    expect(taken.body.action).toBe('TAKE_OUT');
    expect((await db.query(`SELECT state FROM units WHERE serial = 'D10'`)).rows[0].state).toBe(
      'TAKEN_OUT',
    );
    const before = await snapshot();
    const early = await prescribe({ takeOut: { days: 14 } }).expect(422);
    expect(early.body.code).toBe('TAKEOUT_CYCLE_ANOMALY');
    expect(await snapshot()).toEqual(before);
    const overridden = await prescribe({
      takeOut: { days: 14, overrideReason: 'travelling abroad for a month' },
    }).expect(201);
    await dispense(overridden.body.prescriptionId, scan('D11')).expect(201);
  });

  it('reports an adverse event against the dispensed pack: evidence in the ledger, the text kept here', async () => {
    const res = await dispensing.http
      .post('/v1/adverse-events')
      .set('Authorization', pharmacist)
      .send({
        patientRef,
        scan: scan('D11'),
        severity: 'SEVERE',
        description: 'rash and fever after the second dose',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      gtin: ORAL,
      lot: 'L1',
      serial: 'D11',
      severity: 'SEVERE',
      ledgerIndex: expect.any(Number),
    });
    const entry = Buffer.from(
      (await db.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [res.body.ledgerIndex]))
        .rows[0].entry,
    ).toString('utf8');
    expect(JSON.parse(entry)).toMatchObject({
      action: 'RECORD',
      context: { patientRef, severity: 'SEVERE' },
    });
    expect(entry).not.toContain('rash');
    // A lot-level report (no pack at hand) is kept without a ledger entry.
    const byLot = await dispensing.http
      .post('/v1/adverse-events')
      .set('Authorization', pharmacist)
      .send({ patientRef, gtin: ORAL, lot: 'L1', severity: 'MILD', description: 'nausea' })
      .expect(201);
    expect(byLot.body).toMatchObject({ lot: 'L1', serial: null, ledgerIndex: null });
    await dispensing.http
      .post('/v1/adverse-events')
      .set('Authorization', pharmacist)
      .send({ patientRef, severity: 'MILD', description: 'nausea' })
      .expect(400);
  });
});
