import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Principal } from '@trace/auth';
import { ProblemException } from '@trace/http';
import { DataSource } from 'typeorm';
import { ScannedPack, WarehouseLedger } from '../ledger/warehouse-ledger';
import type { InspectionDto } from './inspections.dto';

export interface InspectionResult {
  inspected: number;
  result: 'CONFORMANT' | 'NON_CONFORMANT';
  rejected: { index: number; code: string; detail: string }[];
  refused: { gtin: string; serial: string; code: string; detail: string }[];
  ledgerPending?: boolean;
}

/**
 * POST /v1/inspections: conformant packs enter bonded stock, non-conformant ones go to
 * quarantine. A declaration stands for its packs awaiting inspection. Per pack: one that
 * cannot be inspected is reported while the others proceed.
 */
@Injectable()
export class InspectionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly warehouse: WarehouseLedger,
  ) {}

  async inspect(dto: InspectionDto, principal: Principal): Promise<InspectionResult> {
    if (!dto.declarationNo && !dto.scans?.length) {
      throw new ProblemException('VALIDATION_FAILED', 'Name a declaration or scan the packs');
    }
    const packs: ScannedPack[] = [];
    const rejected: InspectionResult['rejected'] = [];
    if (dto.declarationNo) {
      const exists = await this.db.query(
        `SELECT 1 FROM import_declarations WHERE declaration_no = $1`,
        [dto.declarationNo],
      );
      if (exists.length === 0) {
        throw new ProblemException('NOT_FOUND', `No declaration ${dto.declarationNo}`);
      }
      const waiting: { gtin: string; serial: string }[] = await this.db.query(
        `SELECT u.gtin, u.serial FROM declared_units d
           JOIN units u ON u.gtin = d.gtin AND u.serial = d.serial
          WHERE d.declaration_no = $1 AND u.state = ANY($2::text[])`,
        [
          dto.declarationNo,
          dto.result === 'CONFORMANT' ? ['BONDED_PENDING'] : ['BONDED_PENDING', 'BONDED_STOCK'],
        ],
      );
      packs.push(...waiting.map((w) => ({ ...w, index: -1 })));
    }
    if (dto.scans?.length) {
      const resolved = await this.warehouse.resolveScans(dto.scans);
      packs.push(...resolved.packs);
      rejected.push(...resolved.rejected);
    }
    const gcp = await this.warehouse.gcpLengths(packs.map((p) => p.gtin));
    const action = dto.result === 'CONFORMANT' ? 'INSPECT_CONFORMANT' : 'INSPECT_NON_CONFORMANT';
    const unique = [...new Map(packs.map((p) => [`${p.gtin}/${p.serial}`, p])).values()];
    const events = unique.map((p) =>
      this.warehouse.event(action, [{ gtin: p.gtin, serial: p.serial }], principal, {
        gcp,
        context: dto.reason ? { reason: dto.reason } : {},
        refs: dto.declarationNo ? { declarationNo: dto.declarationNo } : {},
      }),
    );
    const { verdicts, pending } = await this.warehouse.submit(events);
    const refused = verdicts.flatMap((v, i) =>
      v.accepted ? [] : [{ ...unique[i], code: v.code, detail: v.detail }],
    );
    return {
      inspected: pending ? 0 : unique.length - refused.length,
      result: dto.result,
      rejected,
      refused: refused.map((r) => ({
        gtin: r.gtin,
        serial: r.serial,
        code: r.code,
        detail: r.detail,
      })),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }
}
