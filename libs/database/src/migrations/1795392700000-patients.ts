import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * dispensing-api's patients: the only place personal data lives, encrypted at rest
 * (AES-256-GCM, key from config). Everything else — ledger entries included — names a patient
 * by the pseudonymous reference, a keyed hash that is the same at every hospital. Erasure
 * clears `personal`; the reference stays, meaning nothing without the data.
 */
export class Patients1795392700000 implements MigrationInterface {
  name = 'Patients1795392700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE patients (
        patient_ref text NOT NULL CHECK (patient_ref ~ '^pt-[0-9a-f]{32}$'),
        hospital_org text NOT NULL REFERENCES organisations(code),
        -- iv (12) || auth tag (16) || ciphertext of the JSON {name, nationalId, birthDate}
        personal bytea,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        erased_by text,
        erased_at timestamptz,
        PRIMARY KEY (patient_ref, hospital_org),
        CHECK ((personal IS NULL) = (erased_at IS NOT NULL))
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON patients TO ${APP_PRIVILEGES_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE patients`);
  }
}
