import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { verifyPack, VerificationCheck } from '@trace/domain';
import { parseScan } from '@trace/identifiers';
import { loadUnits, unitKey } from '@trace/ledger-store';
import { DataSource } from 'typeorm';
import { Clock } from '@trace/platform';

export interface VerificationAnswer {
  status: string;
  code: string;
  unit?: { gtin: string; serial: string; lot: string; expiry: string; state: string };
  expiryBand?: string;
  checks: VerificationCheck[];
  detail?: string;
}

/**
 * GET /v1/verify: what the counter sees before handing a pack over — the pack's data, its
 * expiry band and every check with its code. Reads projections only; changes nothing. Another
 * organisation's pack is named as such (WRONG_CUSTODIAN) without its details.
 */
@Injectable()
export class VerificationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async verify(code: string, principal: Principal): Promise<VerificationAnswer> {
    const scan = parseScan(code);
    if (!scan.valid) {
      return { status: 'BARCODE_INVALID', code, checks: [], detail: scan.detail };
    }
    let ref = scan.gtin && scan.serial ? { gtin: scan.gtin, serial: scan.serial } : undefined;
    if (!ref && scan.cnCode) {
      const rows: { gtin: string; serial: string }[] = await this.db.query(
        `SELECT gtin, serial FROM unit_aliases WHERE alias = $1`,
        [scan.cnCode],
      );
      ref = rows[0];
    }
    if (!ref) {
      return {
        status: 'UNKNOWN_SERIAL',
        code,
        checks: [
          { check: 'identity', ok: false, code: 'UNKNOWN_SERIAL', detail: 'no serialised pack' },
        ],
      };
    }
    const units = await loadUnits(this.db, [ref]);
    const unit = units.get(unitKey(ref.gtin, ref.serial));
    if (!unit) {
      const product = await this.db.query(`SELECT 1 FROM products WHERE gtin = $1`, [ref.gtin]);
      const missing = product.length === 0 ? 'UNKNOWN_PRODUCT' : 'UNKNOWN_SERIAL';
      return {
        status: missing,
        code,
        checks: [
          {
            check: 'identity',
            ok: false,
            code: missing,
            detail: `${ref.gtin}/${ref.serial} is not known`,
          },
        ],
      };
    }
    const ours = unit.custodianOrg === principal.org || unit.destinationOrg === principal.org;
    if (!ours) {
      // Named as another organisation's pack and nothing more: its lot, expiry, state, hold
      // reason or use are that organisation's business (the other checks would tell them).
      return {
        status: 'WRONG_CUSTODIAN',
        code,
        checks: [
          { check: 'identity', ok: true },
          {
            check: 'custody',
            ok: false,
            code: 'WRONG_CUSTODIAN',
            detail: `the pack is not in ${principal.org}'s stock`,
          },
        ],
      };
    }
    const verification = verifyPack(
      unit,
      { lot: scan.lot, expiry: scan.expiry },
      principal.org,
      this.clock.now(),
    );
    return {
      status: verification.status,
      code,
      checks: verification.checks,
      unit: {
        gtin: unit.gtin,
        serial: unit.serial,
        lot: unit.lot,
        expiry: unit.expiry,
        state: unit.state,
      },
      expiryBand: verification.band,
    };
  }
}
