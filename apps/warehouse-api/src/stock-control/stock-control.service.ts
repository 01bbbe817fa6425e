import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hasOversight, Principal } from '@trace/auth';
import { checkDestructionWitnesses, PackRef, WAREHOUSE_SHELF_STATES } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { parseScan } from '@trace/identifiers';
import { resolveEveryPackOnce, throwIfRefused } from '@trace/ledger-store';
import type { LedgerVerdict } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ExceptionView, CustodyExceptionsService } from '@trace/custody-exceptions';
import { ResolvedScans, ScannedPack, WarehouseLedger } from '../ledger/warehouse-ledger';
import type {
  CreateDestructionDto,
  CreateHoldDto,
  CreateReExportDto,
  StockCountDto,
  TraceCodesDto,
} from './stock-control.dto';

export interface PerPackResult {
  done: number;
  rejected: { index: number; code: string; detail: string }[];
  refused: { gtin: string; serial: string; code: string; detail: string }[];
  ledgerPending?: boolean;
}

const unique = (packs: ScannedPack[]) => [
  ...new Map(packs.map((p) => [`${p.gtin}/${p.serial}`, p])).values(),
];

/**
 * The rest of the bonded warehouse's work on its stock: holds and their release, destruction
 * with two witnesses, re-export, stock counts, Chinese trace codes, voiding a shipment. Which
 * requests are all or nothing (destruction, re-export, void) and which proceed pack by pack
 * (holds, releases, counts, trace codes) is said in the OpenAPI descriptions.
 */
@Injectable()
export class StockControlService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly warehouse: WarehouseLedger,
    private readonly exceptions: CustodyExceptionsService,
  ) {}

  async hold(dto: CreateHoldDto, principal: Principal) {
    const resolved = await this.warehouse.resolveScans(dto.scans);
    const packs = unique(resolved.packs);
    const result = await this.perPack('HOLD', packs, principal, { reason: dto.reason });
    const held = packs.filter(
      (p) => !result.refused.some((r) => r.serial === p.serial && r.gtin === p.gtin),
    );
    const holdId = randomUUID();
    if (held.length > 0) {
      await this.db.query(
        `INSERT INTO warehouse_holds (hold_id, org, reason, units, held_by) VALUES ($1, $2, $3, $4::json, $5)`,
        [holdId, principal.org, dto.reason, JSON.stringify(held.map(pack)), principal.sub],
      );
    }
    return { ...(held.length > 0 ? { holdId } : {}), ...result, rejected: resolved.rejected };
  }

  async releaseHold(holdId: string, principal: Principal) {
    const rows: { org: string; units: PackRef[]; released_at: string | null }[] =
      /^[0-9a-f-]{36}$/i.test(holdId)
        ? await this.db.query(
            `SELECT org, units, released_at FROM warehouse_holds WHERE hold_id = $1`,
            [holdId],
          )
        : [];
    const hold = rows[0];
    if (!hold || (hold.org !== principal.org && !hasOversight(principal))) {
      throw new ProblemException('NOT_FOUND', `No hold ${holdId}`);
    }
    if (hold.released_at)
      throw new ProblemException('INVALID_STATE_TRANSITION', `Hold ${holdId} was released`);
    const result = await this.perPack(
      'RELEASE_HOLD',
      hold.units.map((u) => ({ ...u, index: -1 })),
      principal,
      {},
    );
    await this.db.query(
      `UPDATE warehouse_holds SET released_at = now(), released_by = $2 WHERE hold_id = $1`,
      [holdId, principal.sub],
    );
    return { holdId, releasedBy: principal.sub, ...result };
  }

  /** All or nothing; two different people; the refusal of a pack is on record. */
  async destroy(dto: CreateDestructionDto, principal: Principal) {
    const witnesses = checkDestructionWitnesses({
      executor: dto.executor,
      supervisor: dto.supervisor,
    });
    if (witnesses) throw new ProblemException(witnesses.code, witnesses.detail);
    const packs = await resolveEveryPackOnce(this.db, dto.scans);
    return this.oneEvent('DESTROY', packs, principal, {
      reason: dto.reason,
      executor: dto.executor,
      supervisor: dto.supervisor,
    });
  }

  async reExport(dto: CreateReExportDto, principal: Principal) {
    const packs = await resolveEveryPackOnce(this.db, dto.scans);
    return this.oneEvent('RE_EXPORT', packs, principal, dto.reason ? { reason: dto.reason } : {});
  }

  /** Undo a shipment still in transit: its packs return to where they were. */
  async voidShipment(shipmentId: string, principal: Principal) {
    const rows: { gtin: string; serial: string; custodian_org: string }[] = /^[0-9a-f-]{36}$/i.test(
      shipmentId,
    )
      ? await this.db.query(
          `SELECT gtin, serial, custodian_org FROM units WHERE shipment_id = $1 AND state = 'IN_TRANSIT'`,
          [shipmentId],
        )
      : [];
    // Another organisation's shipment is answered as one that does not exist: whether it
    // exists is that organisation's business.
    if (rows.length === 0 || rows.some((r) => r.custodian_org !== principal.org)) {
      throw new ProblemException('NOT_FOUND', `No shipment ${shipmentId} in transit`);
    }
    return this.oneEvent(
      'VOID_SHIPMENT',
      rows.map((r) => ({ gtin: r.gtin, serial: r.serial, index: -1 })),
      principal,
      {},
      { shipmentId },
    );
  }

  /**
   * A count of one location: what was found is recorded (COUNT), and the differences with
   * what the ledger says is there open a COUNT_VARIANCE exception.
   */
  async count(dto: StockCountDto, principal: Principal) {
    const location = await this.warehouse.ownLocation(dto.locationCode, principal);
    const resolved = await this.warehouse.resolveScans(dto.scans);
    const counted = unique(resolved.packs);
    const expected: { gtin: string; serial: string; lot: string }[] = await this.db.query(
      `SELECT gtin, serial, lot FROM units WHERE location_code = $1 AND custodian_org = $2 AND state = ANY($3::text[])`,
      [location.code, principal.org, WAREHOUSE_SHELF_STATES],
    );
    const key = (p: PackRef) => `${p.gtin}/${p.serial}`;
    const countedKeys = new Set(counted.map(key));
    const expectedKeys = new Set(expected.map(key));
    const notFound = expected.filter((p) => !countedKeys.has(key(p)));
    const notExpected = counted.filter((p) => !expectedKeys.has(key(p)));
    const found = counted.filter((p) => expectedKeys.has(key(p)));
    const result = await this.perPack('COUNT', found, principal, {}, location);
    let exception: ExceptionView | undefined;
    if (notFound.length > 0 || notExpected.length > 0) {
      [exception] = await this.exceptions.open(
        [
          {
            type: 'COUNT_VARIANCE',
            locationCode: location.code,
            ownerOrg: principal.org,
            units: [...notFound, ...notExpected].map(pack),
            detail: `${notFound.length} expected here but not found; ${notExpected.length} found but not expected here`,
          },
        ],
        principal,
      );
    }
    return {
      counted: result.done,
      notFound: notFound.map(pack),
      notExpected: notExpected.map((p) => ({ ...pack(p), index: p.index })),
      rejected: resolved.rejected,
      refused: result.refused,
      ...(exception ? { exception } : {}),
    };
  }

  /** Chinese trace codes applied to packs: a later scan of the code finds the same pack. */
  async applyTraceCodes(dto: TraceCodesDto, principal: Principal) {
    const rejected: ResolvedScans['rejected'] = [];
    const targets: (ScannedPack & { cnCode: string })[] = [];
    const codes = new Set<string>();
    dto.associations.forEach((a, index) => {
      const scan = parseScan(a.scan);
      if (!scan.valid || !scan.gtin || !scan.serial) {
        rejected.push({
          index,
          code: scan.valid ? 'UNKNOWN_SERIAL' : (scan.code ?? 'BARCODE_INVALID'),
          detail: scan.detail ?? 'not a serialised pack',
        });
      } else if (codes.has(a.cnCode)) {
        rejected.push({ index, code: 'DUPLICATE_CODE_USE', detail: `${a.cnCode} is named twice` });
      } else {
        codes.add(a.cnCode);
        targets.push({ gtin: scan.gtin, serial: scan.serial, index, cnCode: a.cnCode });
      }
    });
    const used: { alias: string; gtin: string; serial: string }[] = await this.db.query(
      `SELECT alias, gtin, serial FROM unit_aliases WHERE alias = ANY($1::text[])`,
      [targets.map((t) => t.cnCode)],
    );
    const taken = new Map(used.map((u) => [u.alias, u]));
    const free = targets.filter((t) => {
      const owner = taken.get(t.cnCode);
      if (!owner) return true;
      rejected.push({
        index: t.index,
        code: 'DUPLICATE_CODE_USE',
        detail: `${t.cnCode} is already on ${owner.gtin}/${owner.serial}`,
      });
      return false;
    });
    const gcp = await this.warehouse.gcpLengths(free.map((t) => t.gtin));
    const events = free.map((t) =>
      this.warehouse.event('APPLY_CN_CODE', [pack(t)], principal, {
        gcp,
        context: { cnCode: t.cnCode },
      }),
    );
    const { verdicts, pending } = await this.warehouse.submit(events);
    return {
      applied: pending ? 0 : verdicts.filter((v) => v.accepted).length,
      rejected: rejected.sort((a, b) => a.index - b.index),
      refused: refusedPacks(verdicts, free),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }

  private async perPack(
    action: 'HOLD' | 'RELEASE_HOLD' | 'COUNT',
    packs: ScannedPack[],
    principal: Principal,
    context: Record<string, unknown>,
    location?: { code: string; sgln: string | null },
  ): Promise<PerPackResult> {
    const gcp = await this.warehouse.gcpLengths(packs.map((p) => p.gtin));
    const events = packs.map((p) =>
      this.warehouse.event(action, [pack(p)], principal, { gcp, context, location }),
    );
    const { verdicts, pending } = await this.warehouse.submit(events);
    return {
      done: pending ? 0 : verdicts.filter((v) => v.accepted).length,
      rejected: [],
      refused: refusedPacks(verdicts, packs),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }

  private async oneEvent(
    action: 'DESTROY' | 'RE_EXPORT' | 'VOID_SHIPMENT',
    packs: ScannedPack[],
    principal: Principal,
    context: Record<string, unknown>,
    refs: Record<string, string> = {},
  ) {
    const gcp = await this.warehouse.gcpLengths(packs.map((p) => p.gtin));
    const event = this.warehouse.event(action, packs.map(pack), principal, { gcp, context, refs });
    const { verdicts, pending } = await this.warehouse.submit([event]);
    throwIfRefused(verdicts);
    const verdict = verdicts[0];
    return {
      units: packs.length,
      ...(verdict?.accepted ? { ledgerIndex: verdict.ledgerIndex } : {}),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }
}

const pack = (p: PackRef) => ({ gtin: p.gtin, serial: p.serial, ...(p.lot ? { lot: p.lot } : {}) });

function refusedPacks(verdicts: LedgerVerdict[], packs: PackRef[]) {
  return verdicts.flatMap((v, i) =>
    v.accepted
      ? []
      : [{ gtin: packs[i].gtin, serial: packs[i].serial, code: v.code, detail: v.detail }],
  );
}
