import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Suspensions of a product by the regulator: while one is open (not lifted) the product's
 * status is SUSPENDED and no pack of it is released, prescribed or dispensed. Kept as history,
 * with the ledger entries that record the suspension and its lifting.
 */
export class ProductSuspensions1795393400000 implements MigrationInterface {
  name = 'ProductSuspensions1795393400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE product_suspensions (
        suspension_id uuid PRIMARY KEY,
        gtin text NOT NULL REFERENCES products(gtin),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
        suspended_by text NOT NULL,
        suspended_at timestamptz NOT NULL DEFAULT now(),
        ledger_index bigint,
        lifted_by text,
        lifted_at timestamptz,
        lift_reason text,
        lift_ledger_index bigint
      )`);
    // At most one open suspension per product.
    await q.query(
      `CREATE UNIQUE INDEX product_suspensions_open_idx ON product_suspensions (gtin) WHERE lifted_at IS NULL`,
    );
    await q.query(`GRANT SELECT, INSERT ON product_suspensions TO ${APP_PRIVILEGES_ROLE}`);
    await q.query(
      `GRANT UPDATE (ledger_index, lifted_by, lifted_at, lift_reason, lift_ledger_index) ON product_suspensions TO ${APP_PRIVILEGES_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE product_suspensions`);
  }
}
