import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Principal } from '@trace/auth';
import { checkApprovalCovers } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { resolveEveryPackOnce, throwIfRefused } from '@trace/ledger-store';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { readApproval } from '@trace/database';
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
    const packs = await resolveEveryPackOnce(this.db, dto.scans);
    // Another organisation's stock is not the caller's to ship (403 before the ledger's
    // WRONG_CUSTODIAN, which would record the attempt against that organisation's packs). A
    // pack nobody knows gets the same answer, so the refusal does not reveal which exist.
    const foreign: { gtin: string; serial: string }[] = await this.db.query(
      `SELECT k.gtin, k.serial FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
         LEFT JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial
        WHERE u.custodian_org IS DISTINCT FROM $3 LIMIT 1`,
      [packs.map((p) => p.gtin), packs.map((p) => p.serial), principal.org],
    );
    if (foreign.length > 0) {
      throw new ProblemException(
        'FORBIDDEN',
        `${foreign[0].gtin}/${foreign[0].serial} is not in ${principal.org}'s custody`,
      );
    }
    const suspended: { gtin: string }[] = await this.db.query(
      `SELECT gtin FROM products WHERE gtin = ANY($1::text[]) AND status = 'SUSPENDED' LIMIT 1`,
      [[...new Set(packs.map((p) => p.gtin))]],
    );
    if (suspended.length > 0) {
      throw new ProblemException(
        'PRODUCT_SUSPENDED',
        `Product ${suspended[0].gtin} is suspended: nothing of it is released`,
      );
    }
    const approval = await readApproval(this.db, dto.approvalNo);
    const at = new Date().toISOString();
    for (const gtin of new Set(packs.map((p) => p.gtin))) {
      const refusal = checkApprovalCovers({
        approval,
        gtin,
        institutionCode: dto.destinationCode,
        quantity: packs.length,
        at,
      });
      if (refusal) throw new ProblemException(refusal.code, refusal.detail);
    }
    // Customs must have released the declaration of every pack (the ledger checks it).
    const released: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
         JOIN declared_units d ON d.gtin = k.gtin AND d.serial = k.serial
         JOIN import_declarations i ON i.declaration_no = d.declaration_no AND i.status = 'RELEASED'`,
      [packs.map((p) => p.gtin), packs.map((p) => p.serial)],
    );
    const shipmentId = randomUUID();
    const gcp = await this.warehouse.gcpLengths(packs.map((p) => p.gtin));
    const event = this.warehouse.event(
      'SHIP',
      packs.map((p) => ({ gtin: p.gtin, serial: p.serial })),
      principal,
      {
        gcp,
        refs: { approvalNo: dto.approvalNo, shipmentId },
        context: {
          destinationOrg: dto.destinationCode,
          customsReleased: Number(released[0].n) === packs.length,
        },
      },
    );
    const { verdicts, pending } = await this.warehouse.submit([event]);
    throwIfRefused(verdicts);
    const verdict = verdicts[0];
    return {
      shipmentId,
      destinationCode: dto.destinationCode,
      approvalNo: dto.approvalNo,
      units: packs.length,
      ...(verdict?.accepted ? { ledgerIndex: verdict.ledgerIndex } : {}),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }
}
