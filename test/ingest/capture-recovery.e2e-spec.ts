import {
  createTestEnvironment,
  databaseClient,
  deleteRedisKeys,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import type { Client } from 'pg';
import { INGEST_API_HTTP } from '../../apps/ingest-api/src/http-options';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import {
  commissioning,
  epcisDocument,
  IMPORTER,
  IMPORTER_SITE,
  packScan,
  seedIngestMasterData,
} from './ingest-fixtures';

/**
 * A 202 is a promise: captures accepted while the sequencer is down, whose jobs then vanish
 * with a Redis flush, still reach the ledger — each event exactly once — through the
 * recovery sweep.
 */
describe('accepted means never lost', () => {
  let env: TestEnvironment;
  let ingest: TestApp;
  let writer: TestApp | undefined;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment({
      LEDGER_BATCH_MAX_WAIT_MS: '5',
      INGEST_REDELIVER_AFTER_MS: '1000',
      INGEST_RECOVERY_INTERVAL_MS: '200',
    });
    db = databaseClient(env.cfg, 'owner');
    await db.connect();
    await seedIngestMasterData(db);
    ingest = await startTestApp(env.cfg, IngestApiModule, INGEST_API_HTTP);
  });

  afterAll(async () => {
    await db?.end();
    await ingest?.close();
    await writer?.close();
    await env?.teardown();
  });

  it('a Redis flush between acceptance and sequencing loses nothing and duplicates nothing', async () => {
    const importer = ingest.bearer('imp-user', IMPORTER, 'importer');
    const scans = Array.from({ length: 300 }, (_, i) => packScan(`F${i}`));
    const batches = await Promise.all(
      [0, 100, 200].map((from) =>
        ingest.http
          .post('/v1/scans')
          .set('Authorization', importer)
          .send({
            bizStep: 'commissioning',
            locationCode: IMPORTER_SITE,
            scans: scans.slice(from, from + 100),
          })
          .expect(202),
      ),
    );
    const doc = await ingest.http
      .post('/epcis/capture')
      .set('Authorization', importer)
      .send(
        epcisDocument(
          Array.from({ length: 20 }, (_, i) =>
            commissioning(`urn:uuid:00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, [
              `G${i}`,
            ]),
          ),
        ),
      )
      .expect(202);
    const accepted = batches.reduce((n, b) => n + b.body.accepted, 0) + doc.body.accepted;
    expect(accepted).toBe(320);

    // Every job is gone before any sequencer saw it.
    await deleteRedisKeys(env.cfg);
    expect(Number((await db.query('SELECT count(*) FROM ledger_entries')).rows[0].count)).toBe(0);

    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    const started = Date.now();
    for (;;) {
      const n = Number((await db.query('SELECT count(*) FROM ledger_entries')).rows[0].count);
      if (n >= accepted) break;
      if (Date.now() - started > 30000)
        throw new Error(`only ${n} of ${accepted} events reached the ledger`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let further sweeps run: they must find the captures complete and add nothing.
    await new Promise((r) => setTimeout(r, 1500));
    const entries = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids,
              count(*) FILTER (WHERE entry_type = 'event')::int AS accepted FROM ledger_entries`,
    );
    expect(entries.rows[0]).toEqual({ n: accepted, ids: accepted, accepted });
    const units = await db.query(`SELECT count(*)::int AS n FROM units WHERE state = 'ANNOUNCED'`);
    expect(units.rows[0].n).toBe(accepted);
    const open = await db.query(
      `SELECT count(*)::int AS n FROM captures WHERE sequenced_at IS NULL`,
    );
    expect(open.rows[0].n).toBe(0);
    // Each capture is closed at the time its last event was recorded.
    const closedAt = await db.query(
      `SELECT count(*)::int AS n FROM captures c
        WHERE sequenced_at IS DISTINCT FROM
              (SELECT max(recorded_at) FROM ledger_entries l WHERE l.event_id = ANY(c.event_ids))`,
    );
    expect(closedAt.rows[0].n).toBe(0);
    const redelivered = await db.query(`SELECT min(redeliveries)::int AS n FROM captures`);
    expect(redelivered.rows[0].n).toBeGreaterThanOrEqual(1);
    for (const b of batches) {
      const job = await ingest.http
        .get(`/v1/captures/${b.body.captureId}`)
        .set('Authorization', importer)
        .expect(200);
      expect(job.body).toMatchObject({ running: false, success: true });
    }
  });
});
