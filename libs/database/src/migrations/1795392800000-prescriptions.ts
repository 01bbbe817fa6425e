import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * dispensing-api's prescriptions and the dispenses made against them. A pack has at most one
 * standing dispense (the partial unique index): two counters racing for one pack cannot both
 * record one, whatever the ledger answered them.
 */
export class Prescriptions1795392800000 implements MigrationInterface {
  name = 'Prescriptions1795392800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE prescriptions (
        prescription_id uuid PRIMARY KEY,
        hospital_org text NOT NULL REFERENCES organisations(code),
        patient_ref text NOT NULL,
        approval_no text NOT NULL REFERENCES approvals(approval_no),
        gtin text NOT NULL REFERENCES products(gtin),
        quantity integer NOT NULL CHECK (quantity > 0),
        indication text NOT NULL,
        prescriber text NOT NULL,
        take_out_days integer CHECK (take_out_days > 0),
        -- the prescriber's reason for an early take-out refill (TAKEOUT_CYCLE_ANOMALY overridden)
        take_out_override text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (patient_ref, hospital_org) REFERENCES patients(patient_ref, hospital_org)
      )`);
    await q.query(`CREATE INDEX prescriptions_approval_idx ON prescriptions (approval_no)`);
    await q.query(`
      CREATE TABLE dispenses (
        dispense_id uuid PRIMARY KEY,
        prescription_id uuid NOT NULL REFERENCES prescriptions(prescription_id),
        gtin text NOT NULL,
        serial text NOT NULL,
        event_id text NOT NULL,
        ledger_index bigint NOT NULL,
        dispensed_by text NOT NULL,
        dispensed_at timestamptz NOT NULL DEFAULT now(),
        undone_by text,
        undone_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX dispenses_standing_idx ON dispenses (gtin, serial) WHERE undone_at IS NULL`,
    );
    await q.query(`CREATE INDEX dispenses_prescription_idx ON dispenses (prescription_id)`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE ON prescriptions, dispenses TO ${APP_PRIVILEGES_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dispenses, prescriptions`);
  }
}
