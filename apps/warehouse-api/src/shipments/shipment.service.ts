import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Principal } from '@trace/auth';
import { Approval, checkApprovalCovers, ERROR_CODES, isErrorCode } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WarehouseLedger } from '../ledger/warehouse-ledger';
import type { CreateShipmentDto } from './shipments.dto';

export interface ShipmentResult {
  shipmentId: string;
  destinationCode: string;
  approvalNo: string;
  units: number;
  ledgerIndex?: number;
  ledgerPending?: boolean;
}

/**
 * POST /v1/shipments: release packs from bonded stock to a designated hospital against an
 * approval. All or nothing: one bad scan, one pack that may not go (not released by customs,
 * expired, recalled, held, already shipped), an institution the approval does not name or too
 * few units left on it, and nothing is shipped. A refusal the ledger finds is on record as an
 * alert entry.
 */
@Injectable()
export class ShipmentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly warehouse: WarehouseLedger,
  ) {}

  async ship(dto: CreateShipmentDto, principal: Principal): Promise<ShipmentResult> {
    const destination: { type: string }[] = await this.db.query(
      `SELECT type FROM organisations WHERE code = $1`,
      [dto.destinationCode],
    );
    if (destination.length === 0) {
      throw new ProblemException('UNKNOWN_ORGANISATION', `No organisation ${dto.destinationCode}`);
    }
    if (destination[0].type !== 'HOSPITAL') {
      throw new ProblemException(
        'ORGANISATION_TYPE_MISMATCH',
        `${dto.destinationCode} is not a hospital: licensed goods go to designated hospitals`,
      );
    }
    const resolved = await this.warehouse.resolveScans(dto.scans);
    const bad = resolved.rejected[0];
    if (bad) {
      const code = isErrorCode(bad.code) ? bad.code : 'BARCODE_INVALID';
      throw new ProblemException(
        code,
        `scans[${bad.index}]: ${bad.detail}`,
        {
          errors: resolved.rejected,
        },
        ERROR_CODES[code],
      );
    }
    const seen = new Set<string>();
    for (const p of resolved.packs) {
      const key = `${p.gtin}/${p.serial}`;
      if (seen.has(key)) {
        throw new ProblemException('DUPLICATE_CODE_USE', `${key} is named twice in this shipment`);
      }
      seen.add(key);
    }
    // Another organisation's stock is not the caller's to ship (403 before the ledger's
    // WRONG_CUSTODIAN, which would record the attempt against that organisation's packs).
    const foreign: { gtin: string; serial: string }[] = await this.db.query(
      `SELECT u.gtin, u.serial FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
         JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial
        WHERE u.custodian_org <> $3 LIMIT 1`,
      [resolved.packs.map((p) => p.gtin), resolved.packs.map((p) => p.serial), principal.org],
    );
    if (foreign.length > 0) {
      throw new ProblemException(
        'FORBIDDEN',
        `${foreign[0].gtin}/${foreign[0].serial} is not in ${principal.org}'s custody`,
      );
    }
    const approval = await this.approval(dto.approvalNo);
    const at = new Date().toISOString();
    for (const gtin of new Set(resolved.packs.map((p) => p.gtin))) {
      const refusal = checkApprovalCovers({
        approval,
        gtin,
        institutionCode: dto.destinationCode,
        quantity: resolved.packs.length,
        at,
      });
      if (refusal) throw new ProblemException(refusal.code, refusal.detail);
    }
    // Customs must have released the declaration of every pack (the ledger checks it).
    const released: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
         JOIN declared_units d ON d.gtin = k.gtin AND d.serial = k.serial
         JOIN import_declarations i ON i.declaration_no = d.declaration_no AND i.status = 'RELEASED'`,
      [resolved.packs.map((p) => p.gtin), resolved.packs.map((p) => p.serial)],
    );
    const shipmentId = randomUUID();
    const gcp = await this.warehouse.gcpLengths(resolved.packs.map((p) => p.gtin));
    const event = this.warehouse.event(
      'SHIP',
      resolved.packs.map((p) => ({ gtin: p.gtin, serial: p.serial })),
      principal,
      {
        gcp,
        refs: { approvalNo: dto.approvalNo, shipmentId },
        context: {
          destinationOrg: dto.destinationCode,
          customsReleased: Number(released[0].n) === resolved.packs.length,
        },
      },
    );
    const { verdicts, pending } = await this.warehouse.submit([event]);
    WarehouseLedger.throwIfRefused(verdicts);
    const verdict = verdicts[0];
    return {
      shipmentId,
      destinationCode: dto.destinationCode,
      approvalNo: dto.approvalNo,
      units: resolved.packs.length,
      ...(verdict?.accepted ? { ledgerIndex: verdict.ledgerIndex } : {}),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }

  private async approval(approvalNo: string): Promise<Approval | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT approval_no, gtin, institution_code, patient_ref, indications, quantity, used,
              to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
         FROM approvals WHERE approval_no = $1`,
      [approvalNo],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      approvalNo: r.approval_no as string,
      gtin: r.gtin as string,
      institutionCode: r.institution_code as string,
      patientRef: r.patient_ref as string | null,
      indications: r.indications as string[],
      quantity: Number(r.quantity),
      used: Number(r.used),
      validFrom: r.valid_from as string,
      validTo: r.valid_to as string,
    };
  }
}
