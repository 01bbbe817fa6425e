import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { readApproval } from '@trace/database';
import {
  checkApprovalCovers,
  checkTakeOut,
  checkTakeOutCycle,
  RECORD_ACTION,
  RuleRefusal,
  TRACE_VOCABULARY_PREFIX,
  takeOutsStillSupplying,
  takeOutSupplyOnHand,
  UnitState,
  USED_UP_STATES,
} from '@trace/domain';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { unitAsReadSql } from '@trace/ledger-store';
import { LedgerQueueClient, LedgerTimeoutError } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@trace/platform';
import type { CreatePrescriptionDto } from './prescriptions.dto';

const LEDGER_WAIT_MS = 10_000;

/** An earlier take-out pack of the same product by the same patient. */
interface PreviousTakeOut {
  at: string;
  days: number;
  gtin: string;
  serial: string;
  lot: string | null;
}

export interface PrescriptionRow {
  prescriptionId: string;
  hospitalOrg: string;
  patientRef: string;
  approvalNo: string;
  gtin: string;
  quantity: number;
  takeOutDays: number | null;
  dispensed: number;
  productSuspended: boolean;
}

/** A scanned pack as a dispense on a prescription sees it before the ledger decides. */
export interface PackOnPrescription {
  /** Dispenses of the pack recorded on this prescription, undone ones included. */
  earlierDispenses: number;
  /** As the ledger's unit projection holds them (absent for a pack the ledger never saw). */
  lot?: string;
  expiry?: string;
  /** The ledger's projection has the pack dispensed, taken out or administered. */
  usedUp: boolean;
  /**
   * The pack's row in the ledger's unit projection as read here (none: the ledger never saw
   * it), handed to the sequencer with the event so that it need not read it again (ADR 0018).
   */
  unitsAsRead: Record<string, unknown>[];
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
    private readonly ledger: LedgerQueueClient,
  ) {}

  async create(dto: CreatePrescriptionDto, principal: Principal) {
    const gtin = normaliseGtin(dto.gtin) as string;
    const now = this.clock.now().toISOString();
    const outcome = await this.db.transaction(async (tx) => {
      const patient = await tx.query(
        `SELECT 1 FROM patients WHERE patient_ref = $1 AND hospital_org = $2 AND erased_at IS NULL`,
        [dto.patientRef, principal.org],
      );
      if (patient.length === 0) {
        throw new ProblemException('NOT_FOUND', `No patient ${dto.patientRef} at ${principal.org}`);
      }
      const product: { route: string; status: string }[] = await tx.query(
        `SELECT route, status FROM products WHERE gtin = $1`,
        [gtin],
      );
      if (product.length === 0) throw new ProblemException('UNKNOWN_PRODUCT', `No product ${gtin}`);
      if (product[0].status === 'SUSPENDED') {
        throw new ProblemException('PRODUCT_SUSPENDED', `Product ${gtin} is suspended`);
      }
      const approved = await readApproval(tx, dto.approvalNo, true);
      const prescribed: { n: string }[] = await tx.query(
        `SELECT coalesce(sum(quantity), 0) AS n FROM prescriptions WHERE approval_no = $1`,
        [dto.approvalNo],
      );
      // Another institution's approval is refused as an unknown one: its existence, product
      // and dates are that institution's business (as on GET /v1/approvals/{approvalNo}).
      const own = approved?.institutionCode === principal.org ? approved : null;
      // Prescriptions draw on the approval as they are written.
      const approval = own && { ...own, used: Number(prescribed[0].n) };
      // Earlier take-outs of this product by this patient: a refill may not come early.
      const previous: PreviousTakeOut[] = dto.takeOut
        ? (
            await tx.query(
              `SELECT to_char(d.dispensed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at,
                      p.take_out_days AS days, d.gtin, d.serial, u.lot
                 FROM dispenses d JOIN prescriptions p ON p.prescription_id = d.prescription_id
                 LEFT JOIN units u ON u.gtin = d.gtin AND u.serial = d.serial
                WHERE p.patient_ref = $1 AND p.gtin = $2 AND p.take_out_days IS NOT NULL AND d.undone_at IS NULL`,
              [dto.patientRef, gtin],
            )
          ).map((p: PreviousTakeOut) => ({ ...p, days: Number(p.days) }))
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
              previous,
              now,
              dto.takeOut.overrideReason ? { reason: dto.takeOut.overrideReason } : undefined,
            ))
          : null);
      // Refused inside the transaction means nothing was written; the anomaly is kept after.
      if (refusal) return { refusal, previous };
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
      return {
        created: { prescriptionId, quantity: dto.quantity, takeOut: dto.takeOut ?? null },
      };
    });
    if ('created' in outcome) return outcome.created;
    const { refusal, previous } = outcome;
    if (refusal.code === 'TAKEOUT_CYCLE_ANOMALY') {
      const alert = await this.recordTakeOutAnomaly(dto, gtin, refusal, previous, now, principal);
      throw new ProblemException(refusal.code, refusal.detail, alert);
    }
    throw new ProblemException(refusal.code, refusal.detail);
  }

  /**
   * A refill faster than the prescribed cycle is what a prescriber must stop and report
   * (domain.md §1): refusing it must leave a trace for the regulator. Kept here with the
   * prescriber and, as evidence in the ledger, a RECORD entry against the packs whose supply
   * the patient should still have — with the pseudonymous patient reference only.
   */
  private async recordTakeOutAnomaly(
    dto: CreatePrescriptionDto,
    gtin: string,
    refusal: RuleRefusal,
    previous: PreviousTakeOut[],
    now: string,
    principal: Principal,
  ): Promise<{ alertId: string; ledgerIndex: number | null }> {
    const alertId = randomUUID();
    const eventId = `urn:uuid:${alertId}`;
    const packs = takeOutsStillSupplying(previous, now).map((p) => ({
      gtin: p.gtin,
      serial: p.serial,
      lot: p.lot,
    }));
    const supplyOnHandDays = takeOutSupplyOnHand(previous, now);
    // The alert row first: it stays whatever the ledger answers.
    await this.db.query(
      `INSERT INTO prescription_alerts (alert_id, code, hospital_org, patient_ref, gtin, approval_no, prescriber,
                                        requested_days, supply_on_hand_days, units, detail, event_id,
                                        occurred_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::json, $11, $12, $13, $14)`,
      [
        alertId,
        refusal.code,
        principal.org,
        dto.patientRef,
        gtin,
        dto.approvalNo,
        dto.prescriber,
        dto.takeOut?.days ?? null,
        supplyOnHandDays,
        JSON.stringify(packs),
        refusal.detail,
        eventId,
        now,
        principal.sub,
      ],
    );
    let ledgerIndex: number | null = null;
    try {
      const [verdict] = await this.ledger.submitAndWait(
        [
          {
            eventId,
            action: RECORD_ACTION,
            eventTime: now,
            actor: { sub: principal.sub, org: principal.org, roles: [...principal.roles] },
            units: packs.map((p) => ({ gtin: p.gtin, serial: p.serial })),
            refs: { approvalNo: dto.approvalNo },
            context: {
              patientRef: dto.patientRef,
              code: refusal.code,
              requestedDays: dto.takeOut?.days,
              supplyOnHandDays,
            },
            epcis: {
              type: 'ObjectEvent',
              eventID: eventId,
              eventTime: now,
              eventTimeZoneOffset: '+08:00',
              action: 'OBSERVE',
              bizStep: `${TRACE_VOCABULARY_PREFIX}:takeout_cycle_anomaly`,
              epcList: packs.map(
                (p) => `https://id.gs1.org/01/${p.gtin}/21/${encodeURIComponent(p.serial)}`,
              ),
            },
          },
        ],
        LEDGER_WAIT_MS,
        { interactive: true },
      );
      if (verdict.accepted) ledgerIndex = verdict.ledgerIndex;
    } catch (err) {
      // The alert is kept either way; its entry follows when the ledger answers (by event id).
      if (!(err instanceof LedgerTimeoutError)) throw err;
    }
    return { alertId, ledgerIndex };
  }

  /**
   * A prescription of the caller's hospital, with how many packs were dispensed on it; with
   * `pack`, in the same round trip, what a dispense of that pack needs to know beforehand:
   * its earlier dispenses on this prescription (undone ones too) and its lot and expiry.
   */
  async find(
    prescriptionId: string,
    principal: Principal,
    pack?: { gtin: string; serial: string },
  ): Promise<PrescriptionRow & { pack: PackOnPrescription }> {
    const rows: Record<string, unknown>[] = /^[0-9a-f-]{36}$/i.test(prescriptionId)
      ? await this.db.query(
          `SELECT p.*, (SELECT count(*) FROM dispenses d
                         WHERE d.prescription_id = p.prescription_id AND d.undone_at IS NULL) AS dispensed,
                  (SELECT status FROM products pr WHERE pr.gtin = p.gtin) AS product_status,
                  (SELECT count(*) FROM dispenses d
                    WHERE d.prescription_id = p.prescription_id AND d.gtin = $3 AND d.serial = $4) AS pack_dispenses,
                  ${unitAsReadSql('$3', '$4')} AS pack_as_read
             FROM prescriptions p
            WHERE p.prescription_id = $1 AND p.hospital_org = $2`,
          [prescriptionId, principal.org, pack?.gtin ?? null, pack?.serial ?? null],
        )
      : [];
    const r = rows[0];
    if (!r) throw new ProblemException('NOT_FOUND', `No prescription ${prescriptionId}`);
    const asRead = (r.pack_as_read as Record<string, unknown>[] | null) ?? [];
    // Lot and expiry come from the same row (expiry as YYYY-MM-DD): one lookup of the pack.
    const unit = asRead[0] as { lot?: string; expiry?: string; state?: UnitState } | undefined;
    return {
      prescriptionId: r.prescription_id as string,
      hospitalOrg: r.hospital_org as string,
      patientRef: r.patient_ref as string,
      approvalNo: r.approval_no as string,
      gtin: r.gtin as string,
      quantity: Number(r.quantity),
      takeOutDays: r.take_out_days === null ? null : Number(r.take_out_days),
      dispensed: Number(r.dispensed),
      productSuspended: r.product_status === 'SUSPENDED',
      pack: {
        earlierDispenses: Number(r.pack_dispenses),
        lot: unit?.lot ?? undefined,
        expiry: unit?.expiry ?? undefined,
        usedUp: unit?.state !== undefined && USED_UP_STATES.includes(unit.state),
        unitsAsRead: asRead,
      },
    };
  }
}
