import {
  createTestEnvironment,
  databaseClient,
  prng,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import type { Client } from 'pg';
import { INGEST_API_HTTP } from '../../apps/ingest-api/src/http-options';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import {
  commissioning,
  epcisDocument,
  GS,
  GTIN,
  IMPORTER,
  IMPORTER_SITE,
  packScan,
  seedIngestMasterData,
} from './ingest-fixtures';

const ALPHABET = [
  '0',
  '1',
  '9',
  'A',
  'z',
  ' ',
  GS,
  '(',
  ')',
  ']',
  'd',
  '2',
  '/',
  '?',
  '=',
  '%',
  '\\',
  '"',
  '\u0000',
  '€',
  '\ud800',
  '😀',
  '\n',
  '^',
  '<GS>',
  '01',
  '21',
  '17',
  '10',
  '00',
];

describe('ingest-api never answers 5xx to bad input (fuzz)', () => {
  let env: TestEnvironment;
  let ingest: TestApp;
  let db: Client;
  let importer: string;
  const random = prng(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (n: number) => Math.floor(random() * n);

  const garbageString = (max = 60) =>
    Array.from({ length: int(max) }, () => pick(ALPHABET)).join('');
  const mangledScan = () => {
    const s = packScan(
      `S${int(1000)}`,
      garbageString(25),
      pick(['280630', '281300', '280600', '2806', 'ABCDEF']),
    );
    const at = int(s.length);
    return pick([
      () => s.slice(0, at),
      () => s.slice(0, at) + garbageString(5) + s.slice(at),
      () => s.replace(GS, ''),
      () => `https://id.gs1.org/01/${GTIN}/21/${garbageString(30)}?17=${garbageString(8)}`,
      () => `(01)${garbageString(16)}(21)${garbageString(25)}`,
      () => garbageString(200),
      () => '8' + String(int(1e9)).padStart(19, '0'),
    ])();
  };
  const randomJson = (depth: number): unknown => {
    switch (int(depth > 3 ? 5 : 7)) {
      case 0:
        return null;
      case 1:
        return random() < 0.5;
      case 2:
        return pick([0, -1, 1e308, -1e-308, 2 ** 53 + 2, 3.5]);
      case 3:
        return garbageString(20);
      case 4:
        return pick(['', 'ObjectEvent', 'ADD', 'EPCISDocument', '2026-13-45T99:00:00Z']);
      case 5:
        return Array.from({ length: int(4) }, () => randomJson(depth + 1));
      default:
        return Object.fromEntries(
          Array.from({ length: int(5) }, () => [
            pick([
              'type',
              'action',
              'epcList',
              'eventTime',
              'bizStep',
              'scans',
              'locationCode',
              garbageString(8),
            ]),
            randomJson(depth + 1),
          ]),
        );
    }
  };
  /** A valid document with one member replaced by something of the wrong kind. */
  const mutatedDocument = () => {
    const doc = epcisDocument([commissioning(`urn:uuid:${int(1e9)}`, [`M${int(1e6)}`])]) as Record<
      string,
      any
    >;
    const event = doc.epcisBody.eventList[0];
    const target = pick([doc, event, event.ilmd, event.bizLocation]);
    const key = pick(Object.keys(target));
    if (random() < 0.3) delete target[key];
    else target[key] = randomJson(2);
    return doc;
  };

  beforeAll(async () => {
    env = await createTestEnvironment({ HTTP_BODY_LIMIT_BYTES: String(2 * 1024 * 1024) });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await seedIngestMasterData(db);
    ingest = await startTestApp(env.cfg, IngestApiModule, INGEST_API_HTTP);
    importer = ingest.bearer('imp-user', IMPORTER, 'importer');
  });

  afterAll(async () => {
    await db?.end();
    await ingest?.close();
    await env?.teardown();
  });

  it('answers 3,000 generated bad requests with 2xx or 4xx, problem+json on refusal', async () => {
    const failures: string[] = [];
    const kinds = [
      () => ({
        path: '/v1/scans/parse',
        body: { scans: Array.from({ length: 1 + int(20) }, mangledScan) },
      }),
      () => ({
        path: '/v1/scans',
        body: {
          bizStep: pick(['commissioning', 'receiving', 'shipping', garbageString(10)]),
          locationCode: pick([IMPORTER_SITE, garbageString(10)]),
          scans: Array.from({ length: 1 + int(20) }, mangledScan),
          ...(random() < 0.2 ? { parent: mangledScan() } : {}),
        },
      }),
      () => ({
        path: pick(['/v1/scans', '/v1/scans/parse', '/epcis/capture']),
        body: randomJson(0),
      }),
      () => ({ path: '/epcis/capture', body: mutatedDocument() }),
      () => ({
        path: '/epcis/capture',
        raw: garbageString(300),
        type: pick([
          'application/json',
          'application/ld+json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ]),
      }),
      () => ({
        path: '/epcis/capture',
        body: epcisDocument(
          Array.from({ length: int(5) }, () => randomJson(1) as Record<string, unknown>),
        ),
      }),
    ];
    for (let i = 0; i < 3000; i++) {
      const c = pick(kinds)() as { path: string; body?: unknown; raw?: string; type?: string };
      let req = ingest.http.post(c.path).set('Authorization', importer);
      if (c.raw !== undefined)
        req = req.set('Content-Type', c.type ?? 'application/json').send(c.raw);
      else req = req.set('Content-Type', 'application/json').send(JSON.stringify(c.body ?? null));
      const res = await req;
      if (res.status >= 500)
        failures.push(
          `${c.path} ${JSON.stringify(c.body ?? c.raw).slice(0, 300)} -> ${res.status} ${JSON.stringify(res.body)}`,
        );
      else if (
        res.status >= 400 &&
        !/application\/problem\+json/.test(res.headers['content-type'] ?? '')
      )
        failures.push(`${c.path}: ${res.status} without problem+json`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('takes a 10,000-scan batch of valid and garbage scans without a 5xx', async () => {
    const scans = Array.from({ length: 10_000 }, (_, i) =>
      i % 3 === 0 ? garbageString(40) : packScan(`BIG${i}`),
    );
    const res = await ingest.http
      .post('/v1/scans')
      .set('Authorization', importer)
      .send({ bizStep: 'commissioning', locationCode: IMPORTER_SITE, scans });
    expect({ status: res.status, body: res.status === 202 ? 'ok' : res.body }).toEqual({
      status: 202,
      body: 'ok',
    });
    expect(res.body.accepted + res.body.rejected.length).toBe(10_000);
    const over = await ingest.http
      .post('/v1/scans/parse')
      .set('Authorization', importer)
      .send({ scans: [...scans, 'one too many'] });
    expect(over.status).toBe(413);
  });
});
