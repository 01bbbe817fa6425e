import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Master data owned by regulator-api. Checks mirror the API validation so that a row that
 * bypassed the API (a seed, a manual fix) still cannot break the rules.
 */
export class MasterData1795392000000 implements MigrationInterface {
  name = 'MasterData1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        type text NOT NULL CHECK (type IN ('REGULATOR','IMPORTER','CUSTOMS','BONDED_WAREHOUSE','HOSPITAL')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE locations (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
        organisation_code text NOT NULL REFERENCES organisations(code),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        sgln text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX locations_organisation_idx ON locations (organisation_code)`);
    await q.query(`
      CREATE TABLE products (
        gtin text PRIMARY KEY CHECK (gtin ~ '^[0-9]{14}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('DRUG','DEVICE')),
        gcp_length smallint NOT NULL CHECK (gcp_length BETWEEN 6 AND 12),
        dosage_form text NOT NULL,
        route text NOT NULL CHECK (route IN ('ORAL','EXTERNAL','SUBCUTANEOUS','INTRAMUSCULAR','INTRAVENOUS','OTHER')),
        storage_min_c numeric(5,1),
        storage_max_c numeric(5,1),
        implantable boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','SUSPENDED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (storage_min_c IS NULL OR storage_max_c IS NULL OR storage_min_c <= storage_max_c)
      )`);
    await q.query(`
      CREATE TABLE approvals (
        approval_no text PRIMARY KEY CHECK (approval_no ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$'),
        gtin text NOT NULL REFERENCES products(gtin),
        institution_code text NOT NULL REFERENCES organisations(code),
        patient_ref text,
        indications text[] NOT NULL CHECK (cardinality(indications) >= 1),
        quantity integer NOT NULL CHECK (quantity > 0),
        used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        issued_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_from <= valid_to)
      )`);
    await q.query(`CREATE INDEX approvals_institution_idx ON approvals (institution_code)`);
    await q.query(`CREATE INDEX approvals_gtin_idx ON approvals (gtin)`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE ON organisations, locations, products, approvals TO ${APP_PRIVILEGES_ROLE}`,
    );
    // The regulator exists from the start so that a first admin token works on an empty system.
    await q.query(
      `INSERT INTO organisations (code, name, type) VALUES ('REG', 'Boao Lecheng Medical & Drug Administration', 'REGULATOR') ON CONFLICT DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE approvals, products, locations, organisations`);
  }
}
