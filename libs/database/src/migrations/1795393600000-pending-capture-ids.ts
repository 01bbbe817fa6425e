import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './concurrent-index';

/**
 * The event ids of pending captures only: ingest asks which ids earlier captures promised and
 * the ledger has not yet recorded. Indexing every capture's ids made closing a capture (setting
 * `sequenced_at`, which the pending index's predicate reads, so never a HOT update) add its
 * 500 ids to the GIN index again, and the index grow with every capture ever taken.
 *
 * CONCURRENTLY (so outside a transaction): ingest keeps writing captures meanwhile. The new
 * index is built before the old one goes, so duplicate checks always have one.
 */
export class PendingCaptureIds1795393600000 implements MigrationInterface {
  name = 'PendingCaptureIds1795393600000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(
      q,
      'captures_pending_event_ids_idx',
      `captures USING gin (event_ids) WHERE sequenced_at IS NULL`,
    );
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS captures_event_ids_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(q, 'captures_event_ids_idx', `captures USING gin (event_ids)`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS captures_pending_event_ids_idx`);
  }
}
