import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * ingest-api's capture inbox: what a 202 promised, written before the answer. One row per
 * request (a scan batch or an EPCIS document) keeps the write to one INSERT whatever the
 * number of events; the events' fate is read from the ledger by their ids.
 */
export class CaptureInbox1795392300000 implements MigrationInterface {
  name = 'CaptureInbox1795392300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE captures (
        capture_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('EPCIS', 'SCANS')),
        submitted_by text NOT NULL,
        submitted_org text NOT NULL,
        error_behaviour text NOT NULL CHECK (error_behaviour IN ('rollback', 'proceed')),
        -- the document or scan batch as received (lz4: pglz costs more CPU than the insert)
        document json COMPRESSION lz4 NOT NULL,
        -- the ledger events derived from it, as enqueued (what the recovery sweep re-sends)
        events json COMPRESSION lz4 NOT NULL,
        event_ids text[] COMPRESSION lz4 NOT NULL,
        -- problems found before enqueueing (proceed: those events were left out); json, not
        -- jsonb: details may quote what a scanner sent, NUL included, which jsonb refuses
        errors json NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        -- set once every event is in the ledger (by a status read or the sweep)
        sequenced_at timestamptz,
        redelivered_at timestamptz,
        redeliveries int NOT NULL DEFAULT 0
      )`);
    await q.query(
      `CREATE INDEX captures_pending_idx ON captures (created_at) WHERE sequenced_at IS NULL`,
    );
    await q.query(`CREATE INDEX captures_event_ids_idx ON captures USING gin (event_ids)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON captures TO ${APP_PRIVILEGES_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE captures`);
  }
}
