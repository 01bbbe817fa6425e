import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { readApproval } from '@trace/database';
import { checkApprovalCovers, checkTakeOut, checkTakeOutCycle } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@trace/platform';
import type { CreatePrescriptionDto } from './prescriptions.dto';

export interface PrescriptionRow {
  prescriptionId: string;
  hospitalOrg: string;
  patientRef: string;
  approvalNo: string;
  gtin: string;
  quantity: number;
  takeOutDays: number | null;
  dispensed: number;
}

/**
 * Prescriptions against an approval, for a registered patient of this hospital. The approval
 * must cover this institution, product, indication and (if per-patient) patient, with
 * quantity left counting every prescription already drawn on it; a take-out must be allowed
 * for the product's route and last at most 28 days.
 */
@Injectable()
export class PrescriptionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreatePrescriptionDto, principal: Principal) {
    const gtin = normaliseGtin(dto.gtin) as string;
    const now = this.clock.now().toISOString();
    return this.db.transaction(async (tx) => {
      const patient = await tx.query(
        `SELECT 1 FROM patients WHERE patient_ref = $1 AND hospital_org = $2 AND erased_at IS NULL`,
        [dto.patientRef, principal.org],
      );
      if (patient.length === 0) {
        throw new ProblemException('NOT_FOUND', `No patient ${dto.patientRef} at ${principal.org}`);
      }
      const product: { route: string }[] = await tx.query(
        `SELECT route FROM products WHERE gtin = $1`,
        [gtin],
      );
      if (product.length === 0) throw new ProblemException('UNKNOWN_PRODUCT', `No product ${gtin}`);
      const approved = await readApproval(tx, dto.approvalNo, true);
      const prescribed: { n: string }[] = await tx.query(
        `SELECT coalesce(sum(quantity), 0) AS n FROM prescriptions WHERE approval_no = $1`,
        [dto.approvalNo],
      );
      // Prescriptions draw on the approval as they are written.
      const approval = approved && { ...approved, used: Number(prescribed[0].n) };
      // Earlier take-outs of this product by this patient: a refill may not come early.
      const previous: { at: string; days: number }[] = dto.takeOut
        ? await tx.query(
            `SELECT to_char(d.dispensed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, p.take_out_days AS days
               FROM dispenses d JOIN prescriptions p ON p.prescription_id = d.prescription_id
              WHERE p.patient_ref = $1 AND p.gtin = $2 AND p.take_out_days IS NOT NULL AND d.undone_at IS NULL`,
            [dto.patientRef, gtin],
          )
        : [];
      const refusal =
        checkApprovalCovers({
          approval,
          gtin,
          institutionCode: principal.org,
          patientRef: dto.patientRef,
          indication: dto.indication,
          quantity: dto.quantity,
          at: now,
        }) ??
        (dto.takeOut
          ? (checkTakeOut({ route: product[0].route, days: dto.takeOut.days }) ??
            checkTakeOutCycle(
              previous.map((p) => ({ at: p.at, days: Number(p.days) })),
              now,
              dto.takeOut.overrideReason ? { reason: dto.takeOut.overrideReason } : undefined,
            ))
          : null);
      if (refusal) throw new ProblemException(refusal.code, refusal.detail);
      const prescriptionId = randomUUID();
      await tx.query(
        `INSERT INTO prescriptions (prescription_id, hospital_org, patient_ref, approval_no, gtin, quantity,
                                    indication, prescriber, take_out_days, take_out_override, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          prescriptionId,
          principal.org,
          dto.patientRef,
          dto.approvalNo,
          gtin,
          dto.quantity,
          dto.indication,
          dto.prescriber,
          dto.takeOut?.days ?? null,
          dto.takeOut?.overrideReason ?? null,
          principal.sub,
        ],
      );
      return { prescriptionId, quantity: dto.quantity, takeOut: dto.takeOut ?? null };
    });
  }

  /** A prescription of the caller's hospital, with how many packs were dispensed on it. */
  async find(prescriptionId: string, principal: Principal): Promise<PrescriptionRow> {
    const rows: Record<string, unknown>[] = /^[0-9a-f-]{36}$/i.test(prescriptionId)
      ? await this.db.query(
          `SELECT p.*, (SELECT count(*) FROM dispenses d
                         WHERE d.prescription_id = p.prescription_id AND d.undone_at IS NULL) AS dispensed
             FROM prescriptions p WHERE prescription_id = $1 AND hospital_org = $2`,
          [prescriptionId, principal.org],
        )
      : [];
    const r = rows[0];
    if (!r) throw new ProblemException('NOT_FOUND', `No prescription ${prescriptionId}`);
    return {
      prescriptionId: r.prescription_id as string,
      hospitalOrg: r.hospital_org as string,
      patientRef: r.patient_ref as string,
      approvalNo: r.approval_no as string,
      gtin: r.gtin as string,
      quantity: Number(r.quantity),
      takeOutDays: r.take_out_days === null ? null : Number(r.take_out_days),
      dispensed: Number(r.dispensed),
    };
  }
}
