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
const GTIN = '09506000134352';
const scan = (serial: string) => `]d201${GTIN}1729063010L1${GS}21${serial}`;

/** A shipment arrives at the hospital: compared with what was shipped here. */
describe('dispensing-api: hospital receipt', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let dispensing: TestApp;
  let db: Client;
  let pharmacist: string;
  const S1 = randomUUID();
  const S2 = randomUUID();

  beforeAll(async () => {
    env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await db.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-1', 'Importer', 'IMPORTER'), ('BW-1', 'Warehouse', 'BONDED_WAREHOUSE'),
        ('HOSP-1', 'Hospital One', 'HOSPITAL'), ('HOSP-2', 'Hospital Two', 'HOSPITAL');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES ('${GTIN}', 'Tablets', 'DRUG', 7, 'tablet', 'ORAL');`);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    dispensing = await startTestApp(env.cfg, DispensingApiModule, DISPENSING_API_HTTP);
    pharmacist = dispensing.bearer('ph', 'HOSP-1', 'pharmacist');
    const { toHospital } = ledgerSteps('receipt-setup', GTIN);
    const events = (
      [
        ['H1', S1],
        ['H2', S1],
        ['H3', S1],
        ['H4', S2],
      ] as const
    ).flatMap(([serial, shipmentId]) =>
      toHospital(serial, 'HOSP-1', { shipmentId, received: false }),
    );
    const verdicts = await dispensing.app.get(LedgerQueueClient).submitAndWait(events, 20000);
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
  });

  afterAll(async () => {
    await db?.end();
    await dispensing?.close();
    await writer?.close();
    await env?.teardown();
  });

  const state = async (serial: string) =>
    (await db.query(`SELECT state, custodian_org FROM units WHERE serial = $1`, [serial])).rows[0];

  it('receives what was shipped, holds a pack of another shipment, reports missing and unknown packs as exceptions', async () => {
    const res = await dispensing.http
      .post('/v1/receipts')
      .set('Authorization', pharmacist)
      .send({ shipmentId: S1, scans: [scan('H1'), scan('H2'), 'garbage', scan('H4'), scan('X9')] })
      .expect(201);
    expect(res.body).toMatchObject({
      received: 2,
      missing: [{ serial: 'H3' }],
      unexpected: [
        { serial: 'H4', held: true },
        { serial: 'X9', held: false },
      ],
      rejected: [{ index: 2, code: 'BARCODE_INVALID' }],
    });
    expect(
      res.body.exceptions
        .map((e: { type: string; ownerOrg: string }) => [e.type, e.ownerOrg])
        .sort(),
    ).toEqual([
      ['MISSING', 'BW-1'],
      ['UNEXPECTED', 'BW-1'],
    ]);
    expect(await state('H1')).toEqual({ state: 'HOSPITAL_STOCK', custodian_org: 'HOSP-1' });
    expect(await state('H3')).toEqual({ state: 'IN_TRANSIT', custodian_org: 'BW-1' });
    expect(await state('H4')).toEqual({ state: 'QUARANTINED', custodian_org: 'HOSP-1' });
    const alert = await db.query(
      `SELECT refusal_code FROM ledger_entries WHERE entry_type = 'alert'`,
    );
    expect(alert.rows).toEqual([{ refusal_code: 'UNKNOWN_SERIAL' }]); // X9: the attempt is evidence
    // The shipper sees the exceptions it must resolve.
    const listed = await dispensing.http
      .get('/v1/exceptions')
      .set('Authorization', pharmacist)
      .expect(200);
    expect(listed.body.items.map((e: { shipmentId: string }) => e.shipmentId)).toEqual([S1, S1]);
  });

  it('is only for the hospital the shipment was sent to', async () => {
    await dispensing.http
      .post('/v1/receipts')
      .set('Authorization', dispensing.bearer('ph2', 'HOSP-2', 'pharmacist'))
      .send({ shipmentId: S1, scans: [scan('H3')] })
      .expect(404);
    await dispensing.http
      .post('/v1/receipts')
      .set('Authorization', dispensing.bearer('op', 'BW-1', 'warehouse_operator'))
      .send({ shipmentId: S1, scans: [scan('H3')] })
      .expect(403);
  });
});
