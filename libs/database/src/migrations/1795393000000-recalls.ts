import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Recalls a regulator issued: what was recalled, by whom, why, and the ledger entries that
 * flipped the units. A recall cannot be undone: the app may insert and record its outcome,
 * never change what was recalled or delete it.
 */
export class Recalls1795393000000 implements MigrationInterface {
  name = 'Recalls1795393000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recalls (
        recall_id uuid PRIMARY KEY,
        gtin text NOT NULL REFERENCES products(gtin),
        lot text NOT NULL,
        recall_class text NOT NULL CHECK (recall_class IN ('I', 'II', 'III')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
        issued_by text NOT NULL,
        issued_org text NOT NULL REFERENCES organisations(code),
        issued_at timestamptz NOT NULL DEFAULT now(),
        affected integer NOT NULL DEFAULT 0 CHECK (affected >= 0),
        ledger_indexes bigint[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX recalls_lot_idx ON recalls (gtin, lot)`);
    await q.query(`GRANT SELECT, INSERT ON recalls TO ${APP_PRIVILEGES_ROLE}`);
    await q.query(`GRANT UPDATE (affected, ledger_indexes) ON recalls TO ${APP_PRIVILEGES_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recalls`);
  }
}
