import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * Adverse-event reports (pharmacovigilance): linked to a pack or a lot and a patient. The
 * description stays here (it may hold clinical detail); the ledger records the report's
 * existence, severity and the pack or lot, by the patient's pseudonymous reference.
 */
export class AdverseEvents1795392900000 implements MigrationInterface {
  name = 'AdverseEvents1795392900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE adverse_events (
        report_id uuid PRIMARY KEY,
        hospital_org text NOT NULL REFERENCES organisations(code),
        patient_ref text NOT NULL,
        gtin text NOT NULL REFERENCES products(gtin),
        lot text,
        serial text,
        severity text NOT NULL CHECK (severity IN ('MILD', 'MODERATE', 'SEVERE', 'LIFE_THREATENING', 'FATAL')),
        description text NOT NULL,
        ledger_index bigint,
        reported_by text NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (patient_ref, hospital_org) REFERENCES patients(patient_ref, hospital_org)
      )`);
    await q.query(`CREATE INDEX adverse_events_lot_idx ON adverse_events (gtin, lot)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON adverse_events TO ${APP_PRIVILEGES_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE adverse_events`);
  }
}
