import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './concurrent-index';

/**
 * The event ids of pending captures only: ingest asks which ids earlier captures promised and
 * the ledger has not yet recorded. Indexing every capture's ids made closing a capture (setting
 * `sequenced_at`, which the pending index's predicate reads, so never a HOT update) add its
 * 500 ids to the GIN index again, and the index grow with every capture ever taken.
 *
 * Without the pending list (fastupdate off): each capture's ids go into the index as it is
 * inserted. With the list, every few hundred captures one insert merged it into the index and
 * took up to ~200 ms, writing many pages at once (500-id inserts in a scratch database, p99
 * 12.5–24.8 ms against 6.8–11.0 ms without, at most 167–204 ms against 14–23 ms; the median
 * insert pays for it, 1.7–2.7 ms against 0.8–1.0 ms, for about the same total).
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
      `captures USING gin (event_ids) WITH (fastupdate = off) WHERE sequenced_at IS NULL`,
    );
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS captures_event_ids_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(q, 'captures_event_ids_idx', `captures USING gin (event_ids)`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS captures_pending_event_ids_idx`);
  }
}
