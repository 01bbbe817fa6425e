import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * warehouse-api's import declarations: what the importer declared (items, serials) against
 * which approval, and where customs stands with it. The units' states live in the ledger and
 * its projections; this is the paperwork a receipt is compared with.
 */
export class ImportDeclarations1795392400000 implements MigrationInterface {
  name = 'ImportDeclarations1795392400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_declarations (
        declaration_no text PRIMARY KEY CHECK (declaration_no ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$'),
        approval_no text NOT NULL REFERENCES approvals(approval_no),
        importer_code text NOT NULL REFERENCES organisations(code),
        status text NOT NULL DEFAULT 'DECLARED' CHECK (status IN ('DECLARED', 'ARRIVED', 'RELEASED')),
        declared_units integer NOT NULL CHECK (declared_units > 0),
        declared_by text NOT NULL,
        declared_at timestamptz NOT NULL DEFAULT now(),
        arrived_at timestamptz,
        released_at timestamptz,
        released_by text
      )`);
    await q.query(
      `CREATE INDEX import_declarations_approval_idx ON import_declarations (approval_no)`,
    );
    // A serial is declared once: the same pack cannot be imported twice.
    await q.query(`
      CREATE TABLE declared_units (
        gtin text NOT NULL,
        serial text NOT NULL,
        declaration_no text NOT NULL REFERENCES import_declarations(declaration_no),
        -- the approval the pack draws on: the declaration's, or its item's own
        approval_no text NOT NULL REFERENCES approvals(approval_no),
        lot text NOT NULL,
        expiry date NOT NULL,
        PRIMARY KEY (gtin, serial)
      )`);
    await q.query(`CREATE INDEX declared_units_declaration_idx ON declared_units (declaration_no)`);
    await q.query(`CREATE INDEX declared_units_approval_idx ON declared_units (approval_no)`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE ON import_declarations, declared_units TO ${APP_PRIVILEGES_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE declared_units, import_declarations`);
  }
}
