import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event ids of pending captures only: ingest asks which ids earlier captures promised and
 * the ledger has not yet recorded. Indexing every capture's ids made closing a capture (setting
 * `sequenced_at`, which the pending index's predicate reads, so never a HOT update) add its
 * 500 ids to the GIN index again, and the index grow without bound.
 */
export class PendingCaptureIds1795393600000 implements MigrationInterface {
  name = 'PendingCaptureIds1795393600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX captures_event_ids_idx`);
    await q.query(
      `CREATE INDEX captures_pending_event_ids_idx ON captures USING gin (event_ids)
        WHERE sequenced_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX captures_pending_event_ids_idx`);
    await q.query(`CREATE INDEX captures_event_ids_idx ON captures USING gin (event_ids)`);
  }
}
