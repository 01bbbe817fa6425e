import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Projections: the current state derived from the ledger, written only by the sequencer in
 * the same transaction as the entries they follow from, and rebuilt from the ledger by
 * `cli rebuild-projections`. Nothing here is evidence; the ledger is.
 */
export class Projections1795392200000 implements MigrationInterface {
  name = 'Projections1795392200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE units (
        gtin text NOT NULL,
        serial text NOT NULL,
        lot text NOT NULL,
        expiry date NOT NULL,
        state text NOT NULL,
        previous_state text,
        custodian_org text NOT NULL,
        location_code text,
        parent text,
        hold_reason text,
        declaration_no text,
        approval_no text,
        shipment_id text,
        destination_org text,
        patient_ref text,
        prescription_id text,
        dispensed_at timestamptz,
        dispensed_by text,
        last_index bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (gtin, serial)
      )`);
    await q.query(`CREATE INDEX units_lot_idx ON units (gtin, lot)`);
    await q.query(`CREATE INDEX units_custodian_idx ON units (custodian_org, state)`);
    await q.query(`CREATE INDEX units_parent_idx ON units (parent) WHERE parent IS NOT NULL`);
    await q.query(
      `CREATE INDEX units_declaration_idx ON units (declaration_no) WHERE declaration_no IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX units_shipment_idx ON units (shipment_id) WHERE shipment_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX units_patient_idx ON units (patient_ref) WHERE patient_ref IS NOT NULL`,
    );

    // Which ledger entries concern which unit: custody queries read this, never the JSON.
    await q.query(`
      CREATE TABLE unit_events (
        gtin text NOT NULL,
        serial text NOT NULL,
        idx bigint NOT NULL,
        PRIMARY KEY (gtin, serial, idx)
      )`);
    await q.query(`
      CREATE TABLE container_events (
        sscc text NOT NULL,
        idx bigint NOT NULL,
        PRIMARY KEY (sscc, idx)
      )`);

    // Chinese trace codes applied in the bonded warehouse: an alias, not a new unit.
    await q.query(`
      CREATE TABLE unit_aliases (
        alias text PRIMARY KEY,
        gtin text NOT NULL,
        serial text NOT NULL,
        applied_index bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX unit_aliases_unit_idx ON unit_aliases (gtin, serial)`);

    // Logistic units (pallets, cases) by SSCC; children point to them through units.parent.
    await q.query(`
      CREATE TABLE containers (
        sscc text PRIMARY KEY,
        parent text,
        custodian_org text NOT NULL,
        location_code text,
        last_index bigint NOT NULL
      )`);

    await q.query(`
      CREATE TABLE stock_counts (
        custodian_org text NOT NULL,
        location_code text NOT NULL DEFAULT '',
        gtin text NOT NULL,
        lot text NOT NULL,
        state text NOT NULL,
        units integer NOT NULL CHECK (units >= 0),
        PRIMARY KEY (custodian_org, location_code, gtin, lot, state)
      )`);

    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON units, unit_events, container_events, unit_aliases, containers, stock_counts TO ${APP_PRIVILEGES_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE stock_counts, containers, unit_aliases, container_events, unit_events, units`,
    );
  }
}
