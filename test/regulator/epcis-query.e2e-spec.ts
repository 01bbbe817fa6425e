import { gs1CheckDigit } from '@trace/identifiers';
import { LedgerEventInput, LedgerQueueClient } from '@trace/queue';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { INGEST_API_HTTP } from '../../apps/ingest-api/src/http-options';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import { SCAN_WINDOW } from '../../apps/regulator-api/src/epcis-query/epcis-entry-reader';
import { REGULATOR_API_HTTP } from '../../apps/regulator-api/src/http-options';
import { RegulatorApiModule } from '../../apps/regulator-api/src/regulator-api.module';
import {
  EPCIS_CONTEXT,
  GCP,
  GTIN,
  IMPORTER,
  IMPORTER_SGLN,
  seedIngestMasterData,
  sgtin,
  sscc,
} from '../ingest/ingest-fixtures';

/**
 * GET /epcis/events and /epcis/events/{eventID}: EPCIS documents captured through ingest-api
 * and sequenced by the ledger writer, read back through regulator-api's query interface.
 */

const GTIN2 = (() => {
  const body = `0${GCP}13436`;
  return body + gs1CheckDigit(body);
})();
const sgtin2 = (serial: string) => `urn:epc:id:sgtin:${GCP}.013436.${serial}`;
const link = (gtin: string, serial: string) => `https://id.gs1.org/01/${gtin}/21/${serial}`;
const lgtin = (lot: string) => `urn:epc:class:lgtin:${GCP}.013435.${lot}`;
const PALLET = sscc(7);
const PALLET_URN = `urn:epc:id:sscc:${GCP}.0${PALLET.slice(8, 17)}`;
const PALLET_LINK = `https://id.gs1.org/00/${PALLET}`;
const WAREHOUSE_SGLN = 'urn:epc:id:sgln:9506000.00002.0';
const WAREHOUSE_GLN_LINK = `https://id.gs1.org/414/${(() => {
  const body = '950600000002';
  return body + gs1CheckDigit(body);
})()}`;
const HOSPITAL = 'HOSP-1';
const EX = 'https://ns.example.com/epcis/';

const at = (time: string) => ({
  eventTime: `2026-06-01T${time}:00.000+08:00`,
  eventTimeZoneOffset: '+08:00',
});

/** The story: every event type and field the parameters look at, in eventTime order. */
const E = {
  commissionA: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000001',
    ...at('08:00'),
    epcList: [sgtin('A1'), sgtin('A2'), sgtin('A3')],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: IMPORTER_SGLN },
    bizLocation: { id: IMPORTER_SGLN },
    ilmd: { 'cbvmda:lotNumber': 'LOT-A', 'cbvmda:itemExpirationDate': '2028-06-30' },
  },
  commissionB: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000002',
    ...at('08:10'),
    epcList: [link(GTIN, 'B1'), link(GTIN, 'B2')],
    action: 'ADD',
    bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
    disposition: 'active',
    bizLocation: { id: IMPORTER_SGLN },
    ilmd: { 'cbvmda:lotNumber': 'LOT-B', 'cbvmda:itemExpirationDate': '2028-12-31' },
  },
  commissionC: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000003',
    ...at('08:20'),
    epcList: [sgtin2('C1')],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    ilmd: { 'cbvmda:lotNumber': 'LOT-C', 'cbvmda:itemExpirationDate': '2029-01-31' },
  },
  arrive: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000004',
    ...at('09:00'),
    epcList: [sgtin('A1'), sgtin('A2')],
    action: 'OBSERVE',
    bizStep: 'urn:epcglobal:cbv:bizstep:arriving',
    disposition: 'https://ref.gs1.org/cbv/Disp-in_progress',
    readPoint: { id: WAREHOUSE_SGLN },
    bizLocation: { id: IMPORTER_SGLN },
  },
  pack: {
    type: 'AggregationEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000005',
    ...at('09:30'),
    parentID: PALLET_URN,
    childEPCs: [sgtin('A1'), sgtin('A2')],
    action: 'ADD',
    bizStep: 'packing',
    bizLocation: { id: IMPORTER_SGLN },
  },
  order: {
    type: 'TransactionEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000006',
    ...at('10:00'),
    parentID: PALLET_LINK,
    epcList: [sgtin('A3')],
    action: 'ADD',
    bizStep: 'shipping',
    disposition: 'in_transit',
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0950600000008:PO-7' }],
  },
  transform: {
    type: 'TransformationEvent',
    eventID: 'ni:///sha-256;7c1a0b?ver=CBV2.0',
    ...at('10:30'),
    inputEPCList: [sgtin('B1')],
    outputEPCList: [link(GTIN, 'B2')],
    inputQuantityList: [{ epcClass: lgtin('LOT-A'), quantity: 2, uom: 'EA' }],
    outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/LOT-T`, quantity: 1 }],
    bizStep: 'repackaging',
    ilmd: { 'cbvmda:lotNumber': 'LOT-T' },
  },
  count: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000008',
    ...at('11:00'),
    action: 'OBSERVE',
    bizStep: 'receiving',
    quantityList: [{ epcClass: lgtin('LOT-A'), quantity: 5, uom: 'EA' }],
    'example:note': 'loose packs counted at the port',
  },
  store: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000009',
    ...at('12:00'),
    epcList: [sgtin('A1')],
    action: 'OBSERVE',
    bizStep: 'storing',
    bizLocation: { id: IMPORTER_SGLN },
  },
  /** Refused by the ledger (A1 is no longer ANNOUNCED): an alert entry, not an event. */
  arriveAgain: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000010',
    ...at('12:30'),
    epcList: [sgtin('A1')],
    action: 'OBSERVE',
    bizStep: 'arriving',
    disposition: 'in_progress',
  },
};
type StoryEvent = keyof typeof E;
const STORED: StoryEvent[] = [
  'commissionA',
  'commissionB',
  'commissionC',
  'arrive',
  'pack',
  'order',
  'transform',
  'count',
  'store',
];
const ids = (...names: StoryEvent[]) => names.map((n) => E[n].eventID).sort();

function loadSchema(): ValidateFunction | null {
  const file = join(__dirname, '../../../shared/reference/epcis-schema/EPCIS-JSON-Schema.json');
  if (!existsSync(file)) return null;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
}

describe('regulator-api: EPCIS 2.0 query interface', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let ingest: TestApp;
  let regulator: TestApp;
  let db: Client;
  let importer: string;
  let reg: string;
  let schema: ValidateFunction | null;
  /** Before the third capture: its events have a record time at or after this. */
  let beforeThirdCapture: string;

  beforeAll(async () => {
    env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await seedIngestMasterData(db);
    await db.query(
      `INSERT INTO organisations (code, name, type) VALUES ('${HOSPITAL}', 'Hospital', 'HOSPITAL');
       INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route)
         VALUES ('${GTIN2}', 'Second drug', 'DRUG', 7, 'tablet', 'ORAL')`,
    );
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    ingest = await startTestApp(env.cfg, IngestApiModule, INGEST_API_HTTP);
    regulator = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    importer = ingest.bearer('imp-user', IMPORTER, 'importer');
    reg = regulator.bearer('reg-user', 'REG-1', 'regulator');
    schema = loadSchema();

    await capture([E.commissionA, E.commissionB, E.commissionC]);
    await capture([E.arrive, E.pack, E.order, E.transform, E.count], {
      context: [EPCIS_CONTEXT, { example: EX }],
    });
    beforeThirdCapture = new Date().toISOString();
    const third = await capture([E.store, E.arriveAgain], { behaviour: 'proceed' });
    expect(third.events.map((e: { code?: string }) => e.code)).toEqual([
      undefined,
      'INVALID_STATE_TRANSITION',
    ]);
  });

  afterAll(async () => {
    await db?.end();
    await regulator?.close();
    await ingest?.close();
    await writer?.close();
    await env?.teardown();
  });

  /** Captures a document through ingest-api and waits until the ledger has every event. */
  async function capture(
    events: object[],
    opts: { behaviour?: 'rollback' | 'proceed'; context?: unknown[] } = {},
  ) {
    const document = {
      '@context': opts.context ?? [EPCIS_CONTEXT],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-06-01T07:00:00.000+08:00',
      epcisBody: { eventList: events },
    };
    const res = await ingest.http
      .post('/epcis/capture')
      .set('Authorization', importer)
      .set('Content-Type', 'application/ld+json')
      .set('GS1-Capture-Error-Behaviour', opts.behaviour ?? 'rollback')
      .send(JSON.stringify(document));
    expect(res.body).toMatchObject({ accepted: events.length, errors: [] });
    const started = Date.now();
    for (;;) {
      const job = await ingest.http
        .get(`/v1/captures/${res.body.captureID}`)
        .set('Authorization', importer)
        .expect(200);
      if (!job.body.running) return job.body;
      if (Date.now() - started > 20000) throw new Error('capture still running');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function expectQueryDocument(body: Record<string, unknown>) {
    expect(body).toMatchObject({
      '@context': [EPCIS_CONTEXT, { tl: 'https://trace-ledger.example/voc/' }],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: {} } },
    });
    if (schema) {
      schema(body);
      expect(schema.errors ?? []).toEqual([]);
    }
  }

  const eventList = (body: { epcisBody: { queryResults: { resultsBody: { eventList: [] } } } }) =>
    body.epcisBody.queryResults.resultsBody.eventList as Record<string, unknown>[];

  async function query(q: string, bearer = reg) {
    const res = await regulator.http.get(`/epcis/events?${q}`).set('Authorization', bearer);
    expect({ q, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
      q,
      status: 200,
      body: 'ok',
    });
    expectQueryDocument(res.body);
    return { events: eventList(res.body), next: nextLink(res.headers.link), res };
  }

  const queryIds = async (q: string) =>
    (await query(`${q}${q ? '&' : ''}perPage=1000`)).events.map((e) => String(e.eventID)).sort();

  function nextLink(header: string | undefined): string | undefined {
    if (!header) return undefined;
    const m = /^<([^>]+)>; rel="next"$/.exec(header);
    expect(m).not.toBeNull();
    return m![1];
  }

  /** Follows rel="next" links from the first page to the last. */
  async function allPages(q: string) {
    const pages: Record<string, unknown>[][] = [];
    let url: string | undefined = `/epcis/events?${q}`;
    while (url) {
      const res = await regulator.http.get(url).set('Authorization', reg).expect(200);
      expectQueryDocument(res.body);
      pages.push(eventList(res.body));
      url = nextLink(res.headers.link);
      if (url) expect(res.headers['gs1-next-page-token-expires']).toMatch(/^\d{4}-.*Z$/);
      if (pages.length > 100) throw new Error('too many pages');
    }
    return pages;
  }

  async function refusedWith400(q: string, detail: RegExp) {
    const res = await regulator.http
      .get(`/epcis/events?${q}`)
      .set('Authorization', reg)
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect({ q, ...res.body }).toMatchObject({
      q,
      type: 'epcisException:QueryParameterException',
      title: 'Bad Request',
      status: 400,
      detail: expect.stringMatching(detail),
    });
  }

  describe('access', () => {
    it('answers regulators and auditors', async () => {
      await query('');
      const auditor = regulator.bearer('aud-user', 'REG-1', 'auditor');
      expect((await query('', auditor)).events).toHaveLength(STORED.length);
    });

    it('refuses other organisations (403) and anonymous callers (401) as EPCIS security problems', async () => {
      const pharmacist = regulator.bearer('ph-user', HOSPITAL, 'pharmacist');
      for (const path of [
        '/epcis/events',
        `/epcis/events/${encodeURIComponent(E.store.eventID)}`,
      ]) {
        const res = await regulator.http.get(path).set('Authorization', pharmacist).expect(403);
        expect(res.body).toMatchObject({
          type: 'epcisException:SecurityException',
          status: 403,
          code: 'FORBIDDEN',
        });
      }
      await regulator.http
        .get('/epcis/events')
        .set('Authorization', regulator.bearer('imp-user', IMPORTER, 'importer'))
        .expect(403);
      const anonymous = await regulator.http.get('/epcis/events').expect(401);
      expect(anonymous.body.type).toBe('epcisException:SecurityException');
    });
  });

  describe('the query document', () => {
    it('holds the events as captured, with the ledger record time, in ledger order by default', async () => {
      const { events, next, res } = await query('');
      expect(next).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(res.headers['gs1-epcis-version']).toBe('2.0.0');
      expect(events.map((e) => e.eventID)).toEqual(STORED.map((n) => E[n].eventID));
      const commissioned = events[0];
      expect(commissioned).toEqual({ ...E.commissionA, recordTime: expect.any(String) });
      expect(Date.parse(String(commissioned.recordTime))).toBeGreaterThan(
        Date.parse(String(commissioned.eventTime)),
      );
      // CBV values captured in URN or web URI form are written as the JSON binding's bare words.
      expect(events[3]).toMatchObject({ bizStep: 'arriving', disposition: 'in_progress' });
      expect(events[1]).toMatchObject({ bizStep: 'commissioning' });
    });

    it('answers JSON when a client accepts only that', async () => {
      const res = await regulator.http
        .get('/epcis/events?perPage=1')
        .set('Authorization', reg)
        .set('Accept', 'application/json')
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('carries the namespaces the capture document declared on the events that use them', async () => {
      const { events } = await query(`EQ_eventID=${E.count.eventID},${E.commissionA.eventID}`);
      const count = events.find((e) => e.eventID === E.count.eventID);
      expect(count).toMatchObject({
        '@context': [{ example: EX }],
        'example:note': expect.any(String),
      });
      const other = events.find((e) => e.eventID === E.commissionA.eventID);
      expect(other).not.toHaveProperty('@context');
    });
  });

  describe('GET /epcis/events/{eventID}', () => {
    it('answers one event, its eventID URL-encoded', async () => {
      const res = await regulator.http
        .get(`/epcis/events/${encodeURIComponent(E.transform.eventID)}`)
        .set('Authorization', reg)
        .expect(200);
      expectQueryDocument(res.body);
      // Captured in the document that declared the `example` prefix.
      expect(eventList(res.body)).toEqual([
        { '@context': [{ example: EX }], ...E.transform, recordTime: expect.any(String) },
      ]);
    });

    it('is 404 NoSuchResourceException for an unknown event and for a refused one', async () => {
      for (const id of ['urn:uuid:00000000-0000-4000-8000-00000000dead', E.arriveAgain.eventID]) {
        const res = await regulator.http
          .get(`/epcis/events/${encodeURIComponent(id)}`)
          .set('Authorization', reg)
          .expect(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'epcisException:NoSuchResourceException',
          status: 404,
        });
      }
    });
  });

  describe('alert entries', () => {
    it('are in the ledger but never answered as events, by any route to them', async () => {
      const alert = await db.query(`SELECT entry_type FROM ledger_entries WHERE event_id = $1`, [
        E.arriveAgain.eventID,
      ]);
      expect(alert.rows).toEqual([{ entry_type: 'alert' }]);
      expect(await queryIds(`EQ_eventID=${E.arriveAgain.eventID}`)).toEqual([]);
      expect(await queryIds(`MATCH_epc=${sgtin('A1')}`)).not.toContain(E.arriveAgain.eventID);
      expect(await queryIds('EQ_bizStep=arriving')).toEqual(ids('arrive'));
      expect(await queryIds('GE_eventTime=2026-06-01T12:15:00%2B08:00')).toEqual([]);
      expect(await queryIds(`GE_recordTime=${beforeThirdCapture}`)).toEqual(ids('store'));
    });
  });

  describe('each parameter, matching and not', () => {
    const CASES: [string, StoryEvent[]][] = [
      ['eventType=AggregationEvent', ['pack']],
      ['eventType=TransformationEvent,TransactionEvent', ['order', 'transform']],
      ['eventType=AssociationEvent', []],
      ['GE_eventTime=2026-06-01T10:00:00%2B08:00', ['order', 'transform', 'count', 'store']],
      ['LT_eventTime=2026-06-01T08:10:00.000%2B08:00', ['commissionA']],
      ['GE_eventTime=2026-06-01T01:00:00Z&LT_eventTime=2026-06-01T02:00:00Z', ['arrive', 'pack']],
      ['GE_eventTime=2030-01-01T00:00:00Z', []],
      ['LT_eventTime=2026-05-01T00:00:00Z', []],
      ['GE_recordTime=2026-01-01T00:00:00Z', STORED],
      ['GE_recordTime=2099-01-01T00:00:00Z', []],
      ['LT_recordTime=2099-01-01T00:00:00Z', STORED],
      ['LT_recordTime=2026-01-01T00:00:00Z', []],
      ['EQ_action=ADD', ['commissionA', 'commissionB', 'commissionC', 'pack', 'order']],
      ['EQ_action=OBSERVE,DELETE', ['arrive', 'count', 'store']],
      ['EQ_action=DELETE', []],
      ['EQ_bizStep=arriving', ['arrive']],
      [
        'EQ_bizStep=https://ref.gs1.org/cbv/BizStep-commissioning',
        ['commissionA', 'commissionB', 'commissionC'],
      ],
      ['EQ_bizStep=urn:epcglobal:cbv:bizstep:storing,packing', ['pack', 'store']],
      ['EQ_bizStep=destroying', []],
      ['EQ_disposition=in_progress', ['arrive']],
      [
        'EQ_disposition=urn:epcglobal:cbv:disp:active',
        ['commissionA', 'commissionB', 'commissionC'],
      ],
      ['EQ_disposition=recalled', []],
      [`EQ_readPoint=${WAREHOUSE_GLN_LINK}`, ['arrive']],
      [`EQ_readPoint=${IMPORTER_SGLN}`, ['commissionA']],
      ['EQ_readPoint=urn:epc:id:sgln:9506000.00009.0', []],
      [
        `EQ_bizLocation=${IMPORTER_SGLN}`,
        ['commissionA', 'commissionB', 'arrive', 'pack', 'store'],
      ],
      [`EQ_bizLocation=${WAREHOUSE_SGLN}`, []],
      [`EQ_eventID=${E.arrive.eventID},${E.count.eventID}`, ['arrive', 'count']],
      ['EQ_eventID=urn:uuid:00000000-0000-4000-8000-00000000dead', []],
      [`MATCH_epc=${sgtin('A1')}`, ['commissionA', 'arrive', 'pack', 'store']],
      [`MATCH_epc=${encodeURIComponent(link(GTIN, 'A2'))}`, ['commissionA', 'arrive', 'pack']],
      [`MATCH_epc=urn:epc:id:sgtin:9506000.013435.B1`, ['commissionB']],
      [
        `MATCH_epc=urn:epc:idpat:sgtin:${GCP}.013435.*`,
        ['commissionA', 'commissionB', 'arrive', 'pack', 'order', 'store'],
      ],
      [`MATCH_epc=urn:epc:idpat:sgtin:${GCP}.013436.*`, ['commissionC']],
      [`MATCH_epc=${sgtin('Z9')}`, []],
      [`MATCH_epc=${PALLET_URN}`, []],
      [`MATCH_parentID=${PALLET_URN}`, ['pack', 'order']],
      [`MATCH_parentID=urn:epc:idpat:sscc:${GCP}.*`, ['pack', 'order']],
      [`MATCH_parentID=${sgtin('A1')}`, []],
      [`MATCH_inputEPC=${sgtin('B1')}`, ['transform']],
      [`MATCH_inputEPC=${sgtin('B2')}`, []],
      [`MATCH_outputEPC=${sgtin('B2')}`, ['transform']],
      [`MATCH_outputEPC=${sgtin('B1')}`, []],
      [`MATCH_anyEPC=${sgtin('B2')}`, ['commissionB', 'transform']],
      [`MATCH_anyEPC=${encodeURIComponent(PALLET_LINK)}`, ['pack', 'order']],
      [`MATCH_anyEPC=${sgtin('A3')},${sgtin2('C1')}`, ['commissionA', 'commissionC', 'order']],
      [`MATCH_anyEPC=${sgtin('A9')}`, []],
      [`MATCH_epcClass=${lgtin('LOT-A')}`, ['count']],
      [`MATCH_epcClass=urn:epc:idpat:sgtin:${GCP}.013435.*`, ['count']],
      [`MATCH_epcClass=${lgtin('LOT-B')}`, []],
      [`MATCH_inputEPCClass=${lgtin('LOT-A')}`, ['transform']],
      [`MATCH_inputEPCClass=${lgtin('LOT-T')}`, []],
      [`MATCH_outputEPCClass=${lgtin('LOT-T')}`, ['transform']],
      [`MATCH_outputEPCClass=${lgtin('LOT-A')}`, []],
      [`MATCH_anyEPCClass=${lgtin('LOT-A')}`, ['transform', 'count']],
      [`MATCH_anyEPCClass=urn:epc:idpat:sgtin:${GCP}.*.*`, ['transform', 'count']],
      [`MATCH_anyEPCClass=${lgtin('LOT-Z')}`, []],
      [`MATCH_anyEPCClass=${lgtin('LOT-A')}&orderBy=eventTime`, ['transform', 'count']],
      ['EQ_ILMD_cbvmda:lotNumber=LOT-A', ['commissionA']],
      ['EQ_ILMD_cbvmda:lotNumber=LOT-B,LOT-C', ['commissionB', 'commissionC']],
      ['EQ_ILMD_urn:epcglobal:cbv:mda:lotNumber=LOT-A', ['commissionA']],
      ['EQ_ILMD_urn:epcglobal:cbv:mda%23lotNumber=LOT-C', ['commissionC']],
      ['EQ_ILMD_cbvmda:lotNumber=LOT-Z', []],
      ['EQ_ILMD_cbvmda:itemExpirationDate=2028-06-30', ['commissionA']],
      ['EQ_ILMD_cbvmda:itemExpirationDate=2027-01-01', []],
      [
        `MATCH_anyEPC=${sgtin('A1')}&EQ_bizStep=arriving,storing&GE_eventTime=2026-06-01T09:00:00%2B08:00`,
        ['arrive', 'store'],
      ],
    ];

    it.each(CASES)('%s', async (q, expected) => {
      expect(await queryIds(q)).toEqual(ids(...expected));
    });
  });

  describe('ordering and counts', () => {
    const byEventTime = [...STORED].sort((a, b) =>
      E[a].eventTime < E[b].eventTime ? -1 : E[a].eventTime > E[b].eventTime ? 1 : 0,
    );

    it('orders by eventTime or recordTime, DESC unless told ASC', async () => {
      const asc = await query('orderBy=eventTime&orderDirection=ASC');
      expect(asc.events.map((e) => e.eventID)).toEqual(byEventTime.map((n) => E[n].eventID));
      const desc = await query('orderBy=eventTime');
      expect(desc.events.map((e) => e.eventID)).toEqual(
        [...byEventTime].reverse().map((n) => E[n].eventID),
      );
      const recorded = (await query('orderBy=recordTime')).events.map((e) =>
        Date.parse(String(e.recordTime)),
      );
      expect(recorded).toEqual([...recorded].sort((a, b) => b - a));
      const lot = await query(
        'EQ_ILMD_cbvmda:lotNumber=LOT-A,LOT-B,LOT-C&orderBy=eventTime&orderDirection=DESC',
      );
      expect(lot.events.map((e) => e.eventID)).toEqual([
        E.commissionC.eventID,
        E.commissionB.eventID,
        E.commissionA.eventID,
      ]);
    });

    it('eventCountLimit keeps the first N events by orderBy', async () => {
      const { events, next } = await query('orderBy=eventTime&eventCountLimit=2');
      expect(events.map((e) => e.eventID)).toEqual([E.store.eventID, E.count.eventID]);
      expect(next).toBeUndefined();
      const pages = await allPages(
        'orderBy=eventTime&orderDirection=ASC&eventCountLimit=5&perPage=2',
      );
      expect(pages.map((p) => p.map((e) => e.eventID))).toEqual([
        [E.commissionA.eventID, E.commissionB.eventID],
        [E.commissionC.eventID, E.arrive.eventID],
        [E.pack.eventID],
      ]);
    });

    it('maxEventCount refuses a query that would answer more (413 QueryTooLargeException)', async () => {
      const res = await regulator.http
        .get('/epcis/events?EQ_action=ADD&maxEventCount=4')
        .set('Authorization', reg)
        .expect(413);
      expect(res.body).toMatchObject({
        type: 'epcisException:QueryTooLargeException',
        status: 413,
      });
      expect((await query('EQ_action=ADD&maxEventCount=5')).events).toHaveLength(5);
    });
  });

  describe('malformed queries', () => {
    it.each([
      ['MATCH_epcs=urn:x:1', /Unknown or unsupported query parameter "MATCH_epcs"/],
      ['WD_bizLocation=urn:x:1', /WD_bizLocation/],
      ['eventType=ObjectEvents', /no EPCIS event type/],
      ['GE_eventTime=2026-06-01', /GE_eventTime must be a date-time/],
      ['LT_recordTime=2026-06-01T10:00:00', /LT_recordTime must be a date-time/],
      ['EQ_action=MOVE', /EQ_action/],
      ['EQ_bizStep=shiping', /no CBV 2.0 business step/],
      ['EQ_disposition=urn:epcglobal:cbv:disp:lost', /no CBV 2.0 disposition/],
      ['EQ_readPoint=dock-3', /not a URI/],
      ['MATCH_epc=A1', /not a URI/],
      ['MATCH_anyEPC=urn:epc:id:sgtin:123.4.A1', /not a valid EPC URI/],
      ['MATCH_epc=urn:epc:idpat:sgtin:9506000.*.7', /not an EPC pattern/],
      ['MATCH_epcClass=urn:epc:idpat:sscc:9506000.*', /class pattern/],
      ['EQ_ILMD_lotNumber=LOT-A', /CURIE or URI/],
      ['orderBy=bizStep', /orderBy/],
      ['orderBy=eventTime&orderDirection=SIDEWAYS', /orderDirection/],
      ['eventCountLimit=3', /needs orderBy/],
      ['orderBy=eventTime&eventCountLimit=3&maxEventCount=3', /exclude each other/],
      ['perPage=0', /perPage/],
      ['perPage=1001', /perPage/],
      ['perPage=2&perPage=3', /more than once/],
      ['nextPageToken=garbage', /not a token this server issued/],
    ])('%s', async (q, detail) => refusedWith400(q, detail));
  });

  describe('paging', () => {
    const P = Array.from({ length: 45 }, (_, i) => `P${i + 1}`);
    let allEventIds: string[];

    beforeAll(async () => {
      await capture(
        P.map((serial, i) => ({
          type: 'ObjectEvent',
          eventID: `urn:uuid:20000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
          eventTime: new Date(Date.UTC(2026, 5, 2, 0, i)).toISOString(),
          eventTimeZoneOffset: '+00:00',
          epcList: [sgtin(serial)],
          action: 'ADD',
          bizStep: 'commissioning',
          disposition: 'active',
          ilmd: { 'cbvmda:lotNumber': 'LOT-P', 'cbvmda:itemExpirationDate': '2029-06-30' },
        })),
      );
      const rows = await db.query(
        `SELECT event_id FROM ledger_entries WHERE entry_type = 'event' ORDER BY idx`,
      );
      allEventIds = rows.rows.map((r) => r.event_id);
      expect(allEventIds).toHaveLength(STORED.length + P.length);
    });

    const flat = (pages: Record<string, unknown>[][]) => pages.flat().map((e) => String(e.eventID));

    it('walks every event exactly once, page by page, until the link runs out', async () => {
      const pages = await allPages('perPage=7');
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 5]);
      expect(flat(pages)).toEqual(allEventIds);
    });

    it('pages a lot found through the units index, newest first', async () => {
      const pages = await allPages(
        'EQ_ILMD_cbvmda:lotNumber=LOT-P&orderBy=eventTime&orderDirection=DESC&perPage=10',
      );
      expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 5]);
      const times = pages.flat().map((e) => Date.parse(String(e.eventTime)));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(new Set(flat(pages)).size).toBe(45);
    });

    it('pages a filtered scan (bizStep) in event time order', async () => {
      const pages = await allPages(
        'EQ_bizStep=commissioning&GE_eventTime=2026-06-01T00:00:00Z&perPage=9',
      );
      const got = flat(pages);
      expect(new Set(got).size).toBe(got.length);
      expect([...got].sort()).toEqual(
        [
          ...ids('commissionA', 'commissionB', 'commissionC'),
          ...P.map((_, i) => `urn:uuid:20000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`),
        ].sort(),
      );
      expect(pages.map((p) => p.length)).toEqual([9, 9, 9, 9, 9, 3]);
    });

    it('pages packs found through unit_events', async () => {
      const packs = P.slice(0, 12).map(sgtin).join(',');
      const pages = await allPages(`MATCH_epc=${packs}&perPage=5`);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    });

    it('refuses a token with another query, and accepts it with another page size', async () => {
      const first = await query('EQ_bizStep=commissioning&perPage=5');
      const token = new URLSearchParams(first.next!.split('?')[1]).get('nextPageToken')!;
      await refusedWith400(
        `EQ_bizStep=shipping&perPage=5&nextPageToken=${encodeURIComponent(token)}`,
        /belongs to another query/,
      );
      await refusedWith400(`perPage=5&nextPageToken=${encodeURIComponent(token)}`, /another query/);
      const tampered = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
      await refusedWith400(
        `EQ_bizStep=commissioning&nextPageToken=${encodeURIComponent(tampered)}`,
        /not a token this server issued/,
      );
      const second = await query(
        `EQ_bizStep=commissioning&perPage=20&nextPageToken=${encodeURIComponent(token)}`,
      );
      expect(second.events[0].eventID).not.toBe(first.events[4].eventID);
      expect(second.events).toHaveLength(20);
    });

    it('keeps to the ledger as it was at the first page', async () => {
      const first = await query('EQ_bizStep=storing,packing&perPage=1');
      expect(first.events.map((e) => e.eventID)).toEqual([E.pack.eventID]);
      const later = {
        type: 'ObjectEvent',
        eventID: 'urn:uuid:30000000-0000-4000-8000-000000000001',
        ...at('13:00'),
        epcList: [sgtin('A2')],
        action: 'OBSERVE',
        bizStep: 'storing',
      };
      await capture([later]);
      const rest = await regulator.http.get(first.next!).set('Authorization', reg).expect(200);
      expect(eventList(rest.body).map((e) => e.eventID)).toEqual([E.store.eventID]);
      expect(rest.headers.link).toBeUndefined();
      expect(await queryIds('EQ_bizStep=storing')).toEqual([E.store.eventID, later.eventID].sort());
    });
  });

  describe('a scan over a long ledger', () => {
    const last = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:40000000-0000-4000-8000-000000000001',
      ...at('14:00'),
      epcList: [sgtin('A2')],
      action: 'OBSERVE',
      bizStep: 'storing',
    };

    beforeAll(async () => {
      // More entries than one scan window, none of them a storing event.
      const ledger = regulator.app.get(LedgerQueueClient);
      const filler = (n: number): LedgerEventInput => ({
        eventId: `urn:uuid:50000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        action: 'RECORD',
        eventTime: '2026-06-03T00:00:00.000Z',
        actor: { sub: 'imp-user', org: IMPORTER, roles: ['importer'] },
        epcis: {
          type: 'ObjectEvent',
          eventID: `urn:uuid:50000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          eventTime: '2026-06-03T00:00:00.000Z',
          eventTimeZoneOffset: '+00:00',
          action: 'OBSERVE',
          bizStep: 'stocking',
          quantityList: [{ epcClass: lgtin('LOT-F'), quantity: 1 }],
        },
        units: [],
      });
      const total = SCAN_WINDOW + 50;
      for (let start = 0; start < total; start += 1000) {
        const batch = Array.from({ length: Math.min(1000, total - start) }, (_, i) =>
          filler(start + i),
        );
        const verdicts = await ledger.submitAndWait(batch, 60000);
        expect(verdicts.every((v) => v.accepted)).toBe(true);
      }
      await capture([last]);
    }, 120000);

    it('looks at a bounded window per page and resumes after it, missing nothing', async () => {
      const pages = await allPages('EQ_bizStep=storing&perPage=10');
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flat().map((e) => e.eventID)).toEqual([
        E.store.eventID,
        'urn:uuid:30000000-0000-4000-8000-000000000001',
        last.eventID,
      ]);
    });

    it('walks only the entries with quantity lists for a class, window by window', async () => {
      const pages = await allPages(`MATCH_epcClass=${lgtin('LOT-A')}&perPage=10`);
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flat().map((e) => e.eventID)).toEqual([E.count.eventID]);
    });

    it('still answers a page of a plain time range at once', async () => {
      const { events, next } = await query(
        'GE_eventTime=2026-06-03T00:00:00Z&orderBy=eventTime&orderDirection=ASC&perPage=1000',
      );
      expect(events).toHaveLength(1000);
      expect(next).toBeDefined();
    });
  });
});
