import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './concurrent-index';

/**
 * Read-side indexes for regulator-api's EPCIS query (GET /epcis/events): a page of events in
 * event-time or record-time order is one range of one of the first two, stopped by LIMIT,
 * whatever the ledger's size. Partial: alert entries (refused attempts) are never EPCIS query
 * results.
 * Packs, lots and event ids are found through indexes that already exist (unit_events, the
 * units lot index, ledger_entries.event_id).
 *
 * Built CONCURRENTLY (so outside a transaction): the sequencer keeps appending while a large
 * ledger is indexed. A build that failed leaves an invalid index, which is dropped and built
 * again on the next run.
 */
export class EpcisQuery1795393100000 implements MigrationInterface {
  name = 'EpcisQuery1795393100000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(
      q,
      'ledger_entries_event_time_idx',
      `ledger_entries (event_time, idx) WHERE entry_type = 'event'`,
    );
    await createIndexConcurrently(
      q,
      'ledger_entries_recorded_at_idx',
      `ledger_entries (recorded_at, idx) WHERE entry_type = 'event'`,
    );
    // Events with a quantity list (quantityList, childQuantityList, input/outputQuantityList),
    // the only ones MATCH_epcClass and its kin can return: rare in a serialised supply chain,
    // so a small index. Its predicate is a substring test of the RFC 8785 entry bytes, where
    // the member is always written `"…uantityList":[`; regulator-api's query repeats it
    // verbatim (QUANTITY_ENTRY_PREDICATE) so that the planner can use the index.
    await createIndexConcurrently(
      q,
      'ledger_entries_quantity_idx',
      `ledger_entries (idx) WHERE entry_type = 'event' AND (position('"quantityList":['::bytea IN entry) > 0 OR position('QuantityList":['::bytea IN entry) > 0)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ledger_entries_quantity_idx`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ledger_entries_recorded_at_idx`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ledger_entries_event_time_idx`);
  }
}
