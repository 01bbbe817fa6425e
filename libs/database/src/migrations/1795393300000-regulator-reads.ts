import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './concurrent-index';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * What regulator-api's stock, exceptions and alerts reads need.
 *
 * - `prescription_alerts`: dispensing-api's record of a refused early take-out refill
 *   (TAKEOUT_CYCLE_ANOMALY). The refusal changes nothing else, so without this row it would
 *   leave no trace; the row names the ledger event (`event_id`) that records the same facts,
 *   without personal data, as evidence against the packs still supplying the patient.
 * - `custody_exceptions.event_ids`: the ledger events written for an exception (the holds of a
 *   cold-chain excursion), so an alert can point at their entries and receipts.
 * - Partial indexes on the ledger's alert entries (refused attempts): listing them by time,
 *   refusal code or organisation is one range of a small index however large the log grows,
 *   and covering (every column the listing orders and counts by), so a count or a page
 *   never visits the entries themselves but for the page's rows.
 *   Built CONCURRENTLY, so outside a transaction: the sequencer keeps appending meanwhile. A
 *   build that failed leaves an invalid index, which is dropped and built again on the next run.
 */
export class RegulatorReads1795393300000 implements MigrationInterface {
  name = 'RegulatorReads1795393300000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS prescription_alerts (
        alert_id uuid PRIMARY KEY,
        code text NOT NULL,
        hospital_org text NOT NULL REFERENCES organisations(code),
        patient_ref text NOT NULL,
        gtin text NOT NULL REFERENCES products(gtin),
        approval_no text NOT NULL,
        prescriber text NOT NULL,
        requested_days integer,
        supply_on_hand_days integer,
        -- the packs the refill was measured against: [{gtin, serial, lot}]
        units json NOT NULL,
        detail text NOT NULL,
        -- the RECORD ledger event of the same facts; its entry is found through event_id
        event_id text NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        recorded_by text NOT NULL
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS prescription_alerts_time_idx ON prescription_alerts (occurred_at, alert_id)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS prescription_alerts_hospital_idx ON prescription_alerts (hospital_org, occurred_at)`,
    );
    await q.query(`GRANT SELECT, INSERT ON prescription_alerts TO ${APP_PRIVILEGES_ROLE}`);

    await q.query(
      `ALTER TABLE custody_exceptions ADD COLUMN IF NOT EXISTS event_ids text[] NOT NULL DEFAULT '{}'`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS custody_exceptions_opened_idx ON custody_exceptions (opened_at, exception_id)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS custody_exceptions_due_idx ON custody_exceptions (due_by) WHERE resolved_at IS NULL`,
    );

    await createIndexConcurrently(
      q,
      'ledger_alerts_time_idx',
      `ledger_entries (event_time, idx) INCLUDE (refusal_code, actor_org) WHERE entry_type = 'alert'`,
    );
    await createIndexConcurrently(
      q,
      'ledger_alerts_code_idx',
      `ledger_entries (refusal_code, event_time, idx) INCLUDE (actor_org) WHERE entry_type = 'alert'`,
    );
    await createIndexConcurrently(
      q,
      'ledger_alerts_org_idx',
      `ledger_entries (actor_org, event_time, idx) INCLUDE (refusal_code) WHERE entry_type = 'alert'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ledger_alerts_org_idx`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ledger_alerts_code_idx`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ledger_alerts_time_idx`);
    await q.query(`DROP INDEX IF EXISTS custody_exceptions_due_idx`);
    await q.query(`DROP INDEX IF EXISTS custody_exceptions_opened_idx`);
    await q.query(`ALTER TABLE custody_exceptions DROP COLUMN IF EXISTS event_ids`);
    await q.query(`DROP TABLE IF EXISTS prescription_alerts`);
  }
}
