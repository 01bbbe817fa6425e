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

const GS = '\u001d';
const GTIN = '09506000134352';
const scan = (serial: string, lot = 'L1') => `]d201${GTIN}1729063010${lot}${GS}21${serial}`;

/** GET /v1/verify: the counter's check of a pack, which changes nothing. */
describe('dispensing-api: verification', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let dispensing: TestApp;
  let db: Client;
  let pharmacist: string;

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
    // Two packs walked through the ledger to the hospitals' stock: H1 at HOSP-1, H2 at HOSP-2.
    const { toHospital } = ledgerSteps('verify', GTIN);
    const verdicts = await dispensing.app
      .get(LedgerQueueClient)
      .submitAndWait([...toHospital('H1', 'HOSP-1'), ...toHospital('H2', 'HOSP-2')], 15000);
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
  });

  afterAll(async () => {
    await db?.end();
    await dispensing?.close();
    await writer?.close();
    await env?.teardown();
  });

  const verify = (code: string) =>
    dispensing.http.get('/v1/verify').query({ code }).set('Authorization', pharmacist).expect(200);

  it('answers a pack in this hospital’s stock with its data, expiry band and every check — changing nothing', async () => {
    const entries = async () =>
      Number((await db.query('SELECT count(*) FROM ledger_entries')).rows[0].count);
    const before = await entries();
    const res = await verify(scan('H1'));
    expect(res.body).toMatchObject({
      status: 'OK',
      unit: { gtin: GTIN, serial: 'H1', lot: 'L1', expiry: '2029-06-30', state: 'HOSPITAL_STOCK' },
      expiryBand: 'LATER',
    });
    expect(res.body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(await entries()).toBe(before);
  });

  it.each([
    ['a lot the data do not know', scan('H1', 'L9'), 'LOT_MISMATCH'],
    ['another hospital’s pack', scan('H2'), 'WRONG_CUSTODIAN'],
    ['an unknown serial', scan('NOPE'), 'UNKNOWN_SERIAL'],
    ['an unknown product', ']d2010950600013436917290630' + '10L1' + GS + '21X', 'UNKNOWN_PRODUCT'],
    ['garbage', 'garbage', 'BARCODE_INVALID'],
  ])('names %s', async (_what, code, status) => {
    const res = await verify(code);
    expect(res.body.status).toBe(status);
    if (status === 'WRONG_CUSTODIAN') expect(res.body.unit).toBeUndefined();
  });

  it('is for hospital staff', async () => {
    await dispensing.http
      .get('/v1/verify')
      .query({ code: scan('H1') })
      .set('Authorization', dispensing.bearer('op', 'BW-1', 'warehouse_operator'))
      .expect(403);
    await dispensing.http.get('/v1/verify').set('Authorization', pharmacist).expect(400);
  });
});
