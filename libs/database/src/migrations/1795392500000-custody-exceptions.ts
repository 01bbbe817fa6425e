import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Exceptions are first-class (domain.md §4): every difference a receipt, a count or a sensor
 * finds gets a row with its type, the packs, an owner organisation, a deadline and, in time,
 * a resolution. The packs themselves go on hold through the ledger.
 */
export class CustodyExceptions1795392500000 implements MigrationInterface {
  name = 'CustodyExceptions1795392500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE custody_exceptions (
        exception_id uuid PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('MISSING', 'UNEXPECTED', 'LOT_MISMATCH', 'COLD_CHAIN_EXCURSION', 'COUNT_VARIANCE')),
        declaration_no text REFERENCES import_declarations(declaration_no),
        -- a hospital receipt's exception names the shipment
        shipment_id text,
        location_code text REFERENCES locations(code),
        -- the organisation that must resolve it (the importer for data problems)
        owner_org text NOT NULL REFERENCES organisations(code),
        opened_by text NOT NULL,
        -- the organisation whose staff found it
        opened_org text NOT NULL REFERENCES organisations(code),
        units json NOT NULL,
        detail text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        due_by timestamptz NOT NULL,
        resolved_at timestamptz,
        resolved_by text,
        resolution text
      )`);
    await q.query(
      `CREATE INDEX custody_exceptions_open_idx ON custody_exceptions (owner_org, opened_at) WHERE resolved_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX custody_exceptions_declaration_idx ON custody_exceptions (declaration_no)`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON custody_exceptions TO ${APP_PRIVILEGES_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE custody_exceptions`);
  }
}
