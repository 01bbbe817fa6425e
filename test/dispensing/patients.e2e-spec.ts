import { parseVerifierKey } from '@trace/ledger';
import { auditLedger, LedgerReader, loadLedgerSigner } from '@trace/ledger-store';
import { LedgerQueueClient } from '@trace/queue';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import type { Client } from 'pg';
import { DISPENSING_API_HTTP } from '../../apps/dispensing-api/src/http-options';
import { DispensingApiModule } from '../../apps/dispensing-api/src/dispensing-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';

const person = { name: '王芳', nationalId: '46000019851231002X', birthDate: '1985-12-31' };

/** Personal data only here, encrypted; the rest of the system sees a pseudonymous reference. */
describe('dispensing-api: patients', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let dispensing: TestApp;
  let db: Client;
  let pharmacist: string;

  beforeAll(async () => {
    env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await db.query(`INSERT INTO organisations (code, name, type) VALUES
      ('HOSP-1', 'Hospital One', 'HOSPITAL'), ('HOSP-2', 'Hospital Two', 'HOSPITAL'), ('BW-1', 'Warehouse', 'BONDED_WAREHOUSE')`);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    dispensing = await startTestApp(env.cfg, DispensingApiModule, DISPENSING_API_HTTP);
    pharmacist = dispensing.bearer('ph', 'HOSP-1', 'pharmacist');
  });

  afterAll(async () => {
    await db?.end();
    await dispensing?.close();
    await writer?.close();
    await env?.teardown();
  });

  /** Every text column and bytea of every table, searched for the person's words. */
  async function databaseMentions(text: string): Promise<string[]> {
    const columns = await db.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'json', 'jsonb', 'bytea', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const c of columns.rows) {
      // Bytes are searched as bytes (the UTF-8 of the text), text as text.
      const where =
        c.data_type === 'bytea'
          ? `position(convert_to($1, 'UTF8') in "${c.column_name}") > 0`
          : `position($1 in "${c.column_name}"::text) > 0`;
      const hit = await db.query(`SELECT 1 FROM "${c.table_name}" WHERE ${where} LIMIT 1`, [text]);
      if (hit.rows.length > 0) found.push(`${c.table_name}.${c.column_name}`);
    }
    return found;
  }

  it('registers a patient: one stable reference, personal data encrypted, only for its hospital', async () => {
    const first = await dispensing.http
      .post('/v1/patients')
      .set('Authorization', pharmacist)
      .send(person)
      .expect(201);
    expect(first.body.patientRef).toMatch(/^pt-[0-9a-f]{32}$/);
    const again = await dispensing.http
      .post('/v1/patients')
      .set('Authorization', pharmacist)
      .send({ ...person, nationalId: person.nationalId.toLowerCase() })
      .expect(200);
    expect(again.body.patientRef).toBe(first.body.patientRef);
    const other = dispensing.bearer('ph2', 'HOSP-2', 'pharmacist');
    const elsewhere = await dispensing.http
      .post('/v1/patients')
      .set('Authorization', other)
      .send(person)
      .expect(201);
    expect(elsewhere.body.patientRef).toBe(first.body.patientRef); // the same person everywhere
    const read = await dispensing.http
      .get(`/v1/patients/${first.body.patientRef}`)
      .set('Authorization', pharmacist)
      .expect(200);
    expect(read.body).toMatchObject({
      patientRef: first.body.patientRef,
      name: person.name,
      birthDate: person.birthDate,
    });
    expect(await databaseMentions(person.nationalId)).toEqual([]);
    expect(await databaseMentions('1985-12-31')).toEqual([]);
    // A warehouse cannot register patients; an unknown reference is 404.
    await dispensing.http
      .post('/v1/patients')
      .set('Authorization', dispensing.bearer('op', 'BW-1', 'warehouse_operator'))
      .send(person)
      .expect(403);
    await dispensing.http
      .get('/v1/patients/pt-00000000000000000000000000000000')
      .set('Authorization', pharmacist)
      .expect(404);
    await dispensing.http
      .post('/v1/patients')
      .set('Authorization', pharmacist)
      .send({ ...person, birthDate: 'yesterday' })
      .expect(400);
  });

  it('erasure removes the personal data and leaves every ledger proof verifiable', async () => {
    const { body } = await dispensing.http
      .post('/v1/patients')
      .set('Authorization', pharmacist)
      .send(person)
      .expect(200);
    // The ledger refers to the patient by reference only (here an evidence entry naming it).
    const ledger = dispensing.app.get(LedgerQueueClient);
    const [verdict] = await ledger.submitAndWait(
      [
        {
          eventId: 'urn:uuid:patient-evidence-1',
          action: 'RECORD',
          eventTime: new Date().toISOString(),
          actor: { sub: 'ph', org: 'HOSP-1', roles: ['pharmacist'] },
          epcis: { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'tl:consulting' },
          units: [],
          context: { patientRef: body.patientRef },
        },
      ],
      15000,
    );
    expect(verdict.accepted).toBe(true);
    const reader = new LedgerReader(db);
    const before = await reader.inclusionProof(0, await reader.size());

    await dispensing.http
      .delete(`/v1/patients/${body.patientRef}`)
      .set('Authorization', pharmacist)
      .expect(204);
    await dispensing.http
      .get(`/v1/patients/${body.patientRef}`)
      .set('Authorization', pharmacist)
      .expect(404);
    expect(await databaseMentions(person.name)).toEqual([]);
    const row = (
      await db.query(
        `SELECT personal, erased_by FROM patients WHERE patient_ref = $1 AND hospital_org = 'HOSP-1'`,
        [body.patientRef],
      )
    ).rows[0];
    expect(row).toEqual({ personal: null, erased_by: 'ph' });
    expect(await reader.inclusionProof(0, await reader.size())).toEqual(before);
    const owner = databaseClient(env.cfg, 'owner');
    await owner.connect();
    try {
      const key = parseVerifierKey(loadLedgerSigner(env.cfg.ledger).verifierKey);
      expect(await auditLedger(owner, [key])).toMatchObject({ ok: true });
    } finally {
      await owner.end();
    }
  });
});
