import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { AppConfig, appConfig, loadPatientKeys } from '@trace/config';
import { ProblemException } from '@trace/http';
import { DataSource } from 'typeorm';
import { PatientVault, PersonalData } from './patient-vault';
import type { RegisterPatientDto } from './patients.dto';

const REF = /^pt-[0-9a-f]{32}$/;

/**
 * Patients of a hospital: personal data encrypted at rest, known to the rest of the system
 * only by the pseudonymous reference. A hospital sees its own patients; erasure removes the
 * personal data for good (the ledger never held it, so every proof still verifies).
 */
@Injectable()
export class PatientService {
  private readonly vault: PatientVault;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(appConfig.KEY) cfg: AppConfig,
  ) {
    this.vault = new PatientVault(loadPatientKeys(cfg.patients));
  }

  /** Registers (or re-registers after erasure) a patient; the same person, the same reference. */
  async register(
    dto: RegisterPatientDto,
    principal: Principal,
  ): Promise<{ patientRef: string; created: boolean }> {
    const patientRef = this.vault.referenceOf(dto.nationalId);
    const personal: PersonalData = {
      name: dto.name,
      nationalId: dto.nationalId.replace(/\s+/g, '').toUpperCase(),
      birthDate: dto.birthDate,
    };
    const sealed = this.vault.seal(personal, patientRef, principal.org);
    const rows: { inserted: boolean }[] = await this.db.query(
      `INSERT INTO patients (patient_ref, hospital_org, personal, registered_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (patient_ref, hospital_org) DO UPDATE
         SET personal = EXCLUDED.personal, registered_by = EXCLUDED.registered_by,
             registered_at = now(), erased_by = NULL, erased_at = NULL
         WHERE patients.erased_at IS NOT NULL
       RETURNING (xmax = 0) AS inserted`,
      [patientRef, principal.org, sealed, principal.sub],
    );
    return { patientRef, created: rows.length > 0 && rows[0].inserted };
  }

  async find(
    patientRef: string,
    principal: Principal,
  ): Promise<PersonalData & { patientRef: string }> {
    const row = await this.row(patientRef, principal);
    if (!row.personal) throw new ProblemException('NOT_FOUND', `Patient ${patientRef} was erased`);
    return { patientRef, ...this.vault.open(row.personal, patientRef, principal.org) };
  }

  async erase(patientRef: string, principal: Principal): Promise<void> {
    await this.row(patientRef, principal);
    await this.db.query(
      `UPDATE patients SET personal = NULL, erased_by = $3, erased_at = now()
        WHERE patient_ref = $1 AND hospital_org = $2 AND erased_at IS NULL`,
      [patientRef, principal.org, principal.sub],
    );
  }

  private async row(
    patientRef: string,
    principal: Principal,
  ): Promise<{ personal: Buffer | null }> {
    const rows: { personal: Buffer | null }[] = REF.test(patientRef)
      ? await this.db.query(
          `SELECT personal FROM patients WHERE patient_ref = $1 AND hospital_org = $2`,
          [patientRef, principal.org],
        )
      : [];
    // Another hospital's patient is answered as unknown: a hospital sees its own.
    if (rows.length === 0) throw new ProblemException('NOT_FOUND', `No patient ${patientRef}`);
    return rows[0];
  }
}
