import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { DataSource, EntityManager } from 'typeorm';

export interface LotPatient {
  patientRef: string;
  institutionCode: string;
  serial: string;
  /** DISPENSED, ADMINISTERED, TAKEN_OUT — or where the pack went since (RECALLED, RETURNED…). */
  state: string;
  dispensedAt: string;
  administeredAt: string | null;
  takeOut: boolean;
  prescriptionId: string | null;
  prescriber: string | null;
}

export interface LotBoard {
  gtin: string;
  lot: string;
  total: number;
  byState: Record<string, number>;
  byLocation: {
    custodianCode: string;
    locationCode: string | null;
    state: string;
    units: number;
  }[];
}

/**
 * The recall and adverse-reaction look-back of a lot (domain.md §5.2–3): which patients
 * received its packs, and where its packs are now. Patients are read from the units' own
 * projection (the standing dispense or take-out of each pack: an undone dispense is not
 * there); the prescriber comes from the prescription. The entries themselves, with their
 * proofs, are in each pack's custody answer.
 */
@Injectable()
export class LotLookbackService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async patients(gtinParam: string, lot: string, db: DataSource | EntityManager = this.db) {
    const gtin = this.gtin(gtinParam);
    // From the projection: the unit keeps its standing dispense (patient, prescription, time);
    // a terminal state says administered or taken out, and the entry that made it (last_index,
    // one lookup for those packs only) says when.
    const rows: Record<string, string | null>[] = await db.query(
      `SELECT u.serial, u.state, u.patient_ref, u.prescription_id, p.prescriber, p.take_out_days,
              coalesce(p.hospital_org, u.custodian_org) AS hospital_org,
              to_char(u.dispensed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS dispensed_at,
              CASE WHEN u.state = 'ADMINISTERED' THEN
                (SELECT to_char(l.event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                   FROM ledger_entries l WHERE l.idx = u.last_index) END AS administered_at
         FROM units u
         LEFT JOIN prescriptions p ON p.prescription_id =
              CASE WHEN u.prescription_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                   THEN u.prescription_id::uuid END
        WHERE u.gtin = $1 AND u.lot = $2 AND u.patient_ref IS NOT NULL
        ORDER BY u.dispensed_at, u.serial`,
      [gtin, lot],
    );
    return rows.map((r): LotPatient => ({
      patientRef: r.patient_ref as string,
      institutionCode: (r.hospital_org ?? '') as string,
      serial: r.serial as string,
      state: r.state as string,
      dispensedAt: r.dispensed_at as string,
      administeredAt: r.administered_at,
      takeOut: r.state === 'TAKEN_OUT' || r.take_out_days !== null,
      prescriptionId: r.prescription_id,
      prescriber: r.prescriber,
    }));
  }

  async board(gtinParam: string, lot: string, db: DataSource | EntityManager = this.db) {
    const gtin = this.gtin(gtinParam);
    const rows: {
      custodian_org: string;
      location_code: string | null;
      state: string;
      n: string;
    }[] = await db.query(
      `SELECT custodian_org, location_code, state, count(*) AS n FROM units
          WHERE gtin = $1 AND lot = $2
          GROUP BY custodian_org, location_code, state
          ORDER BY custodian_org, location_code NULLS FIRST, state`,
      [gtin, lot],
    );
    const byState: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      byState[r.state] = (byState[r.state] ?? 0) + Number(r.n);
      total += Number(r.n);
    }
    const board: LotBoard = {
      gtin,
      lot,
      total,
      byState,
      byLocation: rows.map((r) => ({
        custodianCode: r.custodian_org,
        locationCode: r.location_code,
        state: r.state,
        units: Number(r.n),
      })),
    };
    return board;
  }

  private gtin(value: string): string {
    const gtin = normaliseGtin(value);
    if (!gtin) throw new ProblemException('VALIDATION_FAILED', `${value} is not a GTIN`);
    return gtin;
  }
}
