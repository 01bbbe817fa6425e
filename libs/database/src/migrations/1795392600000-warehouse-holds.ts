import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Holds put by people (not by rules): who held which packs and why, and who released them.
 * The packs' QUARANTINED state is in the ledger; this groups them so a hold is released as a
 * whole, by an attributed action.
 */
export class WarehouseHolds1795392600000 implements MigrationInterface {
  name = 'WarehouseHolds1795392600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE warehouse_holds (
        hold_id uuid PRIMARY KEY,
        org text NOT NULL REFERENCES organisations(code),
        reason text NOT NULL,
        units json NOT NULL,
        held_by text NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        released_by text,
        released_at timestamptz
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON warehouse_holds TO ${APP_PRIVILEGES_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE warehouse_holds`);
  }
}
