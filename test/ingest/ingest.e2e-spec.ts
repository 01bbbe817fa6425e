import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { INGEST_API_HTTP } from '../../apps/ingest-api/src/http-options';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import {
  commissioning,
  epcisDocument,
  GTIN,
  IMPORTER,
  IMPORTER_SITE,
  observe,
  packScan,
  seedIngestMasterData,
  sgtin,
  sscc,
  WAREHOUSE,
} from './ingest-fixtures';

const INVALID_DIR = join(__dirname, '../../libs/epcis/test-fixtures/invalid');
let eventNo = 0;
const nextId = () => `urn:uuid:00000000-0000-4000-8000-${String(++eventNo).padStart(12, '0')}`;

describe('ingest-api: scans and EPCIS capture into the ledger', () => {
  let env: TestEnvironment;
  let ingest: TestApp;
  let writer: TestApp;
  let db: Client;
  let importer: string;

  beforeAll(async () => {
    env = await createTestEnvironment({
      LEDGER_BATCH_MAX_WAIT_MS: '5',
      INGEST_CAPTURE_MAX_EVENTS: '50',
      HTTP_BODY_LIMIT_BYTES: String(1024 * 1024),
    });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await seedIngestMasterData(db);
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    ingest = await startTestApp(env.cfg, IngestApiModule, INGEST_API_HTTP);
    importer = ingest.bearer('imp-user', IMPORTER, 'importer');
  });

  afterAll(async () => {
    await db?.end();
    await ingest?.close();
    await writer?.close();
    await env?.teardown();
  });

  /** Polls the capture job until the ledger has every event. */
  async function finished(captureId: string, bearer = importer) {
    const started = Date.now();
    for (;;) {
      const res = await ingest.http.get(`/v1/captures/${captureId}`).set('Authorization', bearer);
      expect(res.status).toBe(200);
      if (!res.body.running) return res.body;
      if (Date.now() - started > 20000) throw new Error(`capture ${captureId} still running`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const unit = async (serial: string) =>
    (await db.query('SELECT * FROM units WHERE gtin = $1 AND serial = $2', [GTIN, serial])).rows[0];

  describe('POST /v1/scans/parse', () => {
    it('answers a verdict per scan, with the parsed fields, codes and warnings', async () => {
      const res = await ingest.http
        .post('/v1/scans/parse')
        .set('Authorization', importer)
        .send({
          scans: [
            packScan('S1'),
            `(01)${GTIN.slice(0, 13)}9(21)X`,
            `]d201${GTIN}10LOT121SN0001X`,
            'garbage',
            `https://id.gs1.org/01/${GTIN}/10/L7/21/S9?17=280600`,
          ],
        })
        .expect(200);
      const [ok, badCheck, suspect, garbage, link] = res.body.results;
      expect(ok).toMatchObject({
        valid: true,
        scheme: 'GS1',
        gtin: GTIN,
        serial: 'S1',
        lot: 'LOT1',
        expiry: '2028-06-30',
      });
      expect(badCheck).toMatchObject({
        valid: false,
        code: 'BARCODE_INVALID',
        subcode: 'CHECK_DIGIT',
      });
      expect(suspect.warnings).toContain('SUSPECT_MISSING_GS');
      expect(garbage).toMatchObject({ valid: false, code: 'BARCODE_INVALID' });
      expect(link).toMatchObject({
        valid: true,
        scheme: 'GS1_DL',
        serial: 'S9',
        expiry: '2028-06-30',
      });
    });
  });

  describe('POST /v1/scans', () => {
    it('announces the good packs, refuses bad scans one by one, and the ledger indexes them', async () => {
      const res = await ingest.http
        .post('/v1/scans')
        .set('Authorization', importer)
        .send({
          bizStep: 'commissioning',
          locationCode: IMPORTER_SITE,
          scans: [
            packScan('A1'),
            packScan('A2'),
            'garbage',
            packScan('A1'),
            packScan('A3'),
            `]d20109506000134369${'21'}Z1`,
          ],
        })
        .expect(202);
      expect(res.body.accepted).toBe(3);
      expect(res.body.rejected).toEqual([
        expect.objectContaining({ index: 2, code: 'BARCODE_INVALID' }),
        expect.objectContaining({ index: 3, code: 'DUPLICATE_CODE_USE' }),
        expect.objectContaining({ index: 5, code: 'UNKNOWN_PRODUCT' }),
      ]);
      const job = await finished(res.body.captureId);
      expect(job.success).toBe(false); // three scans were refused
      expect(job.events).toHaveLength(3);
      for (const e of job.events) expect(e.ledgerIndex).toEqual(expect.any(Number));
      expect(await unit('A1')).toMatchObject({
        state: 'ANNOUNCED',
        custodian_org: IMPORTER,
        lot: 'LOT1',
        location_code: IMPORTER_SITE,
      });
      const indexed = await db.query(
        `SELECT e.idx, l.entry FROM unit_events e JOIN ledger_entries l ON l.idx = e.idx WHERE e.gtin = $1 AND e.serial = 'A2'`,
        [GTIN],
      );
      expect(indexed.rows).toHaveLength(1);
      const entry = JSON.parse(Buffer.from(indexed.rows[0].entry).toString('utf8'));
      expect(entry).toMatchObject({
        action: 'ANNOUNCE',
        refs: { captureId: res.body.captureId },
        epcis: {
          type: 'ObjectEvent',
          bizStep: 'commissioning',
          epcList: [sgtin('A2')],
          ilmd: { 'cbvmda:lotNumber': 'LOT1' },
        },
      });
    });

    it('packs scanned packs into a case with an AggregationEvent when a parent is given', async () => {
      const res = await ingest.http
        .post('/v1/scans')
        .set('Authorization', importer)
        .send({
          bizStep: 'packing',
          locationCode: IMPORTER_SITE,
          parent: `(00)${sscc(1)}`,
          scans: [packScan('A1'), packScan('A2')],
        })
        .expect(202);
      const job = await finished(res.body.captureId);
      expect(job).toMatchObject({ success: true, events: [{ ledgerIndex: expect.any(Number) }] });
      expect((await unit('A2')).parent).toBe(sscc(1));
    });

    it('refuses what cannot be a scan batch with 4xx and changes nothing', async () => {
      const before = (await db.query('SELECT count(*)::int AS n FROM captures')).rows[0].n;
      const post = (body: unknown) =>
        ingest.http
          .post('/v1/scans')
          .set('Authorization', importer)
          .send(body as object);
      expect(
        (await post({ bizStep: 'commissioning', locationCode: 'NOPE', scans: [packScan('Q')] }))
          .body.code,
      ).toBe('UNKNOWN_LOCATION');
      expect(
        (await post({ bizStep: 'brewing', locationCode: IMPORTER_SITE, scans: [packScan('Q')] }))
          .body.code,
      ).toBe('VALIDATION_FAILED');
      expect(
        (await post({ bizStep: 'receiving', locationCode: IMPORTER_SITE, scans: [packScan('Q')] }))
          .body.detail,
      ).toMatch(/needs a disposition/);
      expect(
        (await post({ bizStep: 'commissioning', locationCode: IMPORTER_SITE, scans: 'x' })).status,
      ).toBe(400);
      const other = ingest.bearer('bw', WAREHOUSE, 'warehouse_operator');
      const foreign = await ingest.http
        .post('/v1/scans')
        .set('Authorization', other)
        .send({ bizStep: 'storing', locationCode: IMPORTER_SITE, scans: [packScan('A1')] });
      expect(foreign.status).toBe(403);
      expect((await db.query('SELECT count(*)::int AS n FROM captures')).rows[0].n).toBe(before);
    });
  });

  describe('POST /epcis/capture', () => {
    it('accepts a document as a capture job; its events reach the ledger with their indexes', async () => {
      const doc = epcisDocument([commissioning(nextId(), ['E1', 'E2', 'E3'])]);
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('Content-Type', 'application/ld+json')
        .send(JSON.stringify(doc))
        .expect(202);
      expect(res.headers.location).toBe(`/epcis/capture/${res.body.captureID}`);
      expect(res.headers['gs1-epcis-capture-limit']).toBe('50');
      expect(res.headers['gs1-epcis-capture-file-size-limit']).toBe(String(1024 * 1024));
      const job = (await finished(res.body.captureID)) as {
        success: boolean;
        events: { eventID: string; ledgerIndex: number }[];
      };
      expect(job.success).toBe(true);
      const viaGs1 = await ingest.http
        .get(res.headers.location)
        .set('Authorization', importer)
        .expect(200);
      expect(viaGs1.body.events).toEqual(job.events);
      expect(await unit('E2')).toMatchObject({ state: 'ANNOUNCED', lot: 'LOT1' });
      // A capture is its sender's business (and regulators').
      const other = ingest.bearer('bw', WAREHOUSE, 'warehouse_operator');
      await ingest.http.get(res.headers.location).set('Authorization', other).expect(404);
      await ingest.http
        .get(res.headers.location)
        .set('Authorization', ingest.bearer('r', 'REG-1', 'regulator'))
        .expect(200);
    });

    it('rollback (the default): one refused event refuses the whole capture in the ledger', async () => {
      const doc = epcisDocument([
        commissioning(nextId(), ['R1']),
        observe(nextId(), ['NEVER-ANNOUNCED'], 'arriving', 'in_progress'),
      ]);
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(doc)
        .expect(202);
      const job = await finished(res.body.captureID);
      expect(job.success).toBe(false);
      expect(job.events.map((e: { code: string }) => e.code)).toEqual([
        'CAPTURE_ROLLED_BACK',
        'UNKNOWN_SERIAL',
      ]);
      expect(await unit('R1')).toBeUndefined();
    });

    it('proceed: the good events go ahead, the refused one is reported', async () => {
      const doc = epcisDocument([
        commissioning(nextId(), ['P1']),
        observe(nextId(), ['NEVER-ANNOUNCED'], 'arriving', 'in_progress'),
      ]);
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('GS1-Capture-Error-Behaviour', 'proceed')
        .send(doc)
        .expect(202);
      const job = await finished(res.body.captureID);
      expect(job.events[0].code).toBeUndefined();
      expect(job.events[1].code).toBe('UNKNOWN_SERIAL');
      expect(job.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_SERIAL' })]);
      expect(await unit('P1')).toMatchObject({ state: 'ANNOUNCED' });
    });

    it('a duplicate event ID is 409 under rollback and a job error under proceed', async () => {
      const id = nextId();
      const doc = epcisDocument([commissioning(id, ['D1'])]);
      const first = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(doc)
        .expect(202);
      await finished(first.body.captureID);
      const again = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(doc)
        .expect(409);
      expect(again.body).toMatchObject({ code: 'DUPLICATE_EVENT', eventIDs: [id] });
      const proceed = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('GS1-Capture-Error-Behaviour', 'proceed')
        .send(epcisDocument([commissioning(id, ['D1']), commissioning(nextId(), ['D2'])]))
        .expect(202);
      expect(proceed.body.errors).toEqual([
        expect.objectContaining({ index: 0, code: 'DUPLICATE_EVENT' }),
      ]);
      const job = await finished(proceed.body.captureID);
      expect(job.events).toHaveLength(1);
      expect(await unit('D2')).toMatchObject({ state: 'ANNOUNCED' });
    });

    it('packs by AggregationEvent and derives an eventID when the sender gave none', async () => {
      const doc = epcisDocument([
        {
          type: 'AggregationEvent',
          eventTime: '2026-06-01T11:00:00.000+08:00',
          eventTimeZoneOffset: '+08:00',
          parentID: `urn:epc:id:sscc:9506000.0${sscc(7).slice(8, 17)}`,
          childEPCs: [sgtin('E1'), sgtin('E3')],
          action: 'ADD',
          bizStep: 'packing',
        },
      ]);
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(doc)
        .expect(202);
      const job = await finished(res.body.captureID);
      expect(job.success).toBe(true);
      expect(job.events[0].eventID).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect((await unit('E3')).parent).toBe(sscc(7));
      // The same document again has the same derived id: a duplicate.
      await ingest.http.post('/epcis/capture').set('Authorization', importer).send(doc).expect(409);
    });

    it('keeps business transactions and quantity events as evidence (RECORD), changing no pack', async () => {
      const before = await unit('E1');
      const doc = epcisDocument([
        {
          type: 'TransactionEvent',
          eventID: nextId(),
          eventTime: '2026-06-01T12:00:00.000+08:00',
          eventTimeZoneOffset: '+08:00',
          action: 'ADD',
          bizTransactionList: [
            { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0950600000008:PO-42' },
          ],
          epcList: [sgtin('E1'), sgtin('E2')],
        },
        {
          type: 'ObjectEvent',
          eventID: nextId(),
          eventTime: '2026-06-01T12:00:00.000+08:00',
          eventTimeZoneOffset: '+08:00',
          action: 'OBSERVE',
          bizStep: 'receiving',
          quantityList: [
            { epcClass: 'urn:epc:class:lgtin:9506000.013435.LOT1', quantity: 5, uom: 'EA' },
          ],
        },
      ]);
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(doc)
        .expect(202);
      const job = await finished(res.body.captureID);
      expect(job).toMatchObject({
        success: true,
        events: [{ ledgerIndex: expect.any(Number) }, { ledgerIndex: expect.any(Number) }],
      });
      const after = await unit('E1');
      expect(after.state).toBe(before.state);
      expect(after.last_index).toBe(before.last_index);
      const history = await db.query(
        `SELECT idx FROM unit_events WHERE gtin = $1 AND serial = 'E1' ORDER BY idx`,
        [GTIN],
      );
      expect(history.rows.map((r) => Number(r.idx))).toContain(job.events[0].ledgerIndex);
    });

    it('reports events it cannot trace (unknown product, unknown location) in the job, capturing none under rollback', async () => {
      const unknownProduct = {
        ...commissioning(nextId(), ['U1']),
        epcList: ['urn:epc:id:sgtin:9506000.099999.U1'],
      };
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(epcisDocument([commissioning(nextId(), ['U2']), unknownProduct]))
        .expect(202);
      expect(res.body).toMatchObject({
        accepted: 0,
        errors: [expect.objectContaining({ index: 1, code: 'UNKNOWN_PRODUCT' })],
      });
      const job = await finished(res.body.captureID);
      expect(job).toMatchObject({ running: false, success: false, events: [] });
      expect(await unit('U2')).toBeUndefined();
    });

    const invalid = readdirSync(INVALID_DIR).filter((f) => f.endsWith('.json'));
    it('has the 15 invalid documents of openepcis-test-resources', () => {
      expect(invalid).toHaveLength(15);
    });
    it.each(invalid)('refuses %s with 400 epcisException:ValidationException', async (file) => {
      const before = (await db.query('SELECT count(*)::int AS n FROM captures')).rows[0].n;
      const res = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('Content-Type', 'application/ld+json')
        .send(readFileSync(join(INVALID_DIR, file), 'utf8'))
        .expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'epcisException:ValidationException', status: 400 });
      expect((await db.query('SELECT count(*)::int AS n FROM captures')).rows[0].n).toBe(before);
    });

    it('enforces and advertises the limits: events per capture and file size (413)', async () => {
      const many = epcisDocument(
        Array.from({ length: 51 }, (_, i) => commissioning(nextId(), [`L${i}`])),
      );
      const tooMany = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(many)
        .expect(413);
      expect(tooMany.body.code).toBe('PAYLOAD_TOO_LARGE');
      const huge = epcisDocument([
        { ...commissioning(nextId(), ['H']), 'example:blob': 'x'.repeat(1100 * 1024) },
      ]);
      const tooBig = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .send(huge);
      expect(tooBig.status).toBe(413);
      expect(tooBig.headers['gs1-epcis-capture-file-size-limit']).toBe(String(1024 * 1024));
      const options = await ingest.http.options('/epcis/capture').expect(204);
      expect(options.headers['gs1-epcis-capture-limit']).toBe('50');
    });

    it('refuses a wrong content type, malformed JSON and an unknown error behaviour', async () => {
      await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('Content-Type', 'text/xml')
        .send('<EPCISDocument/>')
        .expect(415);
      const broken = await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('Content-Type', 'application/json')
        .send('{"type": "EPCISDocument",');
      expect(broken.status).toBe(400);
      await ingest.http
        .post('/epcis/capture')
        .set('Authorization', importer)
        .set('GS1-Capture-Error-Behaviour', 'maybe')
        .send(epcisDocument([commissioning(nextId(), ['Z'])]))
        .expect(400);
      await ingest.http
        .post('/epcis/capture')
        .set('Authorization', ingest.bearer('r', 'REG-1', 'regulator'))
        .send(epcisDocument([]))
        .expect(403);
    });
  });
});
