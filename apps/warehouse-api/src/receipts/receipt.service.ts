import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { checkStorageRange, compareReceipt, PackRef, UnitAction } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { parseScan } from '@trace/identifiers';
import { loadUnitsInContainers } from '@trace/ledger-store';
import type { LedgerEventInput, LedgerVerdict } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ExceptionView, NewException, CustodyExceptionsService } from '@trace/custody-exceptions';
import { ScannedPack, WarehouseLedger } from '../ledger/warehouse-ledger';
import type { CreateReceiptDto } from './receipts.dto';

export interface ReceiptResult {
  receiptId: string;
  declarationNo: string;
  /** Packs received into the bonded warehouse (BONDED_PENDING). */
  received: number;
  /** Declared but not scanned: data without product. */
  missing: PackRef[];
  /** Scanned but not declared, or declared under another lot (LOT_MISMATCH). */
  unexpected: (PackRef & { index: number; code: string; detail: string })[];
  /** Scans that could not be read or resolved, with their position. */
  rejected: { index: number; code: string; detail: string }[];
  exceptions: ExceptionView[];
  /** Ledger refusals beyond the differences above (e.g. a pack in an unexpected state). */
  refused: { eventId: string; code: string; detail: string }[];
  ledgerPending?: boolean;
}

/**
 * POST /v1/receipts: goods enter the bonded warehouse before inspection. Scans (packs, cases,
 * pallets, Chinese codes) are compared with the declaration; the packs that match are
 * received (BONDED_PENDING), aggregations are recorded (a later scan of the case or pallet
 * stands for its packs), and every difference becomes an exception with an owner and a
 * deadline; packs the warehouse now holds but whose data disagree go on hold. Partial success
 * by design: a bad scan is reported by its position while the others proceed.
 */
@Injectable()
export class ReceiptService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly warehouse: WarehouseLedger,
    private readonly exceptions: CustodyExceptionsService,
  ) {}

  async receive(dto: CreateReceiptDto, principal: Principal): Promise<ReceiptResult> {
    const location = await this.warehouse.ownLocation(dto.locationCode, principal);
    const declaration = await this.declaration(dto.declarationNo);
    const rejected: ReceiptResult['rejected'] = [];

    // Aggregations first: their children are what a scan of the parent stands for.
    const children = new Map<string, ScannedPack[]>();
    const packings: { sscc: string; packs: ScannedPack[] }[] = [];
    (dto.aggregations ?? []).forEach((aggregation, a) => {
      const parent = parseScan(aggregation.parent);
      if (!parent.valid || !parent.sscc) {
        rejected.push({
          index: -1 - a,
          code: parent.code ?? 'VALIDATION_FAILED',
          detail: `aggregations[${a}].parent: ${parent.detail ?? 'not an SSCC'}`,
        });
        return;
      }
      const packs: ScannedPack[] = [];
      aggregation.children.forEach((child, c) => {
        const scan = parseScan(child);
        if (scan.valid && scan.gtin && scan.serial) {
          packs.push({ gtin: scan.gtin, serial: scan.serial, lot: scan.lot, index: -1 - a });
        } else {
          rejected.push({
            index: -1 - a,
            code: scan.valid ? 'UNKNOWN_SERIAL' : (scan.code ?? 'BARCODE_INVALID'),
            detail: `aggregations[${a}].children[${c}]: ${scan.detail ?? 'cases go into pallets one level at a time: list the packs'}`,
          });
        }
      });
      children.set(parent.sscc, packs);
      packings.push({ sscc: parent.sscc, packs });
    });

    const scanned: ScannedPack[] = [];
    const scannedParents = new Set<string>();
    const cnCodes: { index: number; code: string }[] = [];
    for (let index = 0; index < dto.scans.length; index++) {
      const scan = parseScan(dto.scans[index]);
      if (!scan.valid) {
        rejected.push({
          index,
          code: scan.code ?? 'BARCODE_INVALID',
          detail: scan.detail ?? 'unreadable',
        });
      } else if (scan.gtin && scan.serial) {
        scanned.push({ gtin: scan.gtin, serial: scan.serial, lot: scan.lot, index });
      } else if (scan.sscc) {
        scannedParents.add(scan.sscc);
        const inside =
          children.get(scan.sscc) ??
          (await loadUnitsInContainers(this.db, [scan.sscc])).map((u) => ({
            gtin: u.gtin,
            serial: u.serial,
            lot: u.lot,
          }));
        if (inside.length === 0) {
          rejected.push({
            index,
            code: 'PARENT_CONTAINS_UNKNOWN_CHILD',
            detail: `nothing is known to be inside ${scan.sscc}: send its aggregation`,
          });
        }
        for (const p of inside) scanned.push({ ...p, index });
      } else if (scan.cnCode) {
        cnCodes.push({ index, code: scan.cnCode });
      } else {
        rejected.push({ index, code: 'UNKNOWN_SERIAL', detail: 'the scan has no serial' });
      }
    }
    if (cnCodes.length > 0) {
      const rows: { alias: string; gtin: string; serial: string }[] = await this.db.query(
        `SELECT alias, gtin, serial FROM unit_aliases WHERE alias = ANY($1::text[])`,
        [cnCodes.map((c) => c.code)],
      );
      const byAlias = new Map(rows.map((r) => [r.alias, r]));
      for (const c of cnCodes) {
        const unit = byAlias.get(c.code);
        if (unit) scanned.push({ gtin: unit.gtin, serial: unit.serial, index: c.index });
        else
          rejected.push({
            index: c.index,
            code: 'UNKNOWN_SERIAL',
            detail: `Chinese code ${c.code} was never applied`,
          });
      }
    }
    // Packs listed in an aggregation whose parent was not scanned were still handled.
    for (const packing of packings) {
      if (!scannedParents.has(packing.sscc)) scanned.push(...packing.packs);
    }

    const declared: PackRef[] = await this.db.query(
      `SELECT gtin, serial, lot FROM declared_units WHERE declaration_no = $1`,
      [declaration.declarationNo],
    );
    const comparison = compareReceipt(declared, scanned);
    // Packs of the declaration received by an earlier delivery are not missing from this one.
    if (comparison.missing.length > 0) {
      const waiting: { gtin: string; serial: string }[] = await this.db.query(
        `SELECT u.gtin, u.serial FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
           JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial
          WHERE u.state IN ('ANNOUNCED', 'AT_PORT')`,
        [comparison.missing.map((m) => m.gtin), comparison.missing.map((m) => m.serial)],
      );
      const still = new Set(waiting.map((w) => `${w.gtin}/${w.serial}`));
      comparison.missing = comparison.missing.filter((m) => still.has(`${m.gtin}/${m.serial}`));
    }
    const gcp = await this.warehouse.gcpLengths([...scanned, ...declared].map((p) => p.gtin));
    // The approval stays the one each pack was declared under (items may differ).
    const refs = { declarationNo: declaration.declarationNo };
    const event = (action: UnitAction, packs: PackRef[], context: Record<string, unknown> = {}) =>
      this.warehouse.event(action, packs, principal, { gcp, location, refs, context });

    const events: LedgerEventInput[] = [];
    // One event per pack: a pack in an unexpected state must not stop the others.
    const receipts = comparison.received.map((p) => event('RECEIVE_BONDED', [p]));
    const mismatched = comparison.unexpected.filter((u) => u.reason === 'LOT_MISMATCH');
    // The warehouse holds these packs whatever their data say: received without the disputed
    // lot, then held until the importer resolves the exception.
    const mismatchReceipts = mismatched.map((p) =>
      event('RECEIVE_BONDED', [{ gtin: p.gtin, serial: p.serial }]),
    );
    // Recorded as evidence: the ledger refuses a pack it does not know (an alert entry).
    const undeclaredReceipts = comparison.unexpected
      .filter((u) => u.reason === 'UNDECLARED')
      .map((p) => event('RECEIVE_BONDED', [p]));
    events.push(...receipts, ...mismatchReceipts, ...undeclaredReceipts);
    const received = new Set(comparison.received.map((p) => `${p.gtin}/${p.serial}`));
    for (const packing of packings) {
      const known = packing.packs.filter((p) => received.has(`${p.gtin}/${p.serial}`));
      if (known.length > 0) events.push(event('PACK', known, { parent: packing.sscc }));
    }
    for (const p of mismatched) {
      events.push(
        event('HOLD', [{ gtin: p.gtin, serial: p.serial }], {
          reason: `lot mismatch: declared ${p.declaredLot}, scanned ${p.lot}`,
        }),
      );
    }
    const excursion =
      dto.temperatureC === undefined
        ? []
        : await this.excursions(comparison.received, dto.temperatureC);
    for (const p of excursion) {
      events.push(
        event('HOLD', [p], { reason: `cold-chain excursion at receipt: ${dto.temperatureC} °C` }),
      );
    }

    const { verdicts, pending: ledgerPending } = await this.warehouse.submit(events);
    const refusalOf = new Map(
      verdicts
        .filter((v) => !v.accepted)
        .map((v) => [v.eventId, v as Extract<LedgerVerdict, { accepted: false }>]),
    );
    const expectedRefusals = new Set(undeclaredReceipts.map((e) => e.eventId));

    const unexpected = comparison.unexpected.map((u) =>
      u.reason === 'LOT_MISMATCH'
        ? {
            gtin: u.gtin,
            serial: u.serial,
            lot: u.lot,
            index: u.index,
            code: 'LOT_MISMATCH',
            detail: `declared under lot ${u.declaredLot}; held`,
          }
        : {
            gtin: u.gtin,
            serial: u.serial,
            lot: u.lot,
            index: u.index,
            code: 'UNKNOWN_SERIAL',
            detail: 'not in the declaration (product without data)',
          },
    );
    const opened: NewException[] = [];
    const base = { declarationNo: declaration.declarationNo, locationCode: location.code };
    if (comparison.missing.length > 0 && !dto.partial) {
      opened.push({
        ...base,
        type: 'MISSING',
        ownerOrg: declaration.importerCode,
        units: comparison.missing,
        detail: `${comparison.missing.length} declared packs did not arrive`,
      });
    }
    const undeclared = unexpected.filter((u) => u.code === 'UNKNOWN_SERIAL');
    if (undeclared.length > 0) {
      opened.push({
        ...base,
        type: 'UNEXPECTED',
        ownerOrg: declaration.importerCode,
        units: undeclared.map(pack),
        detail: `${undeclared.length} packs arrived without data`,
      });
    }
    if (mismatched.length > 0) {
      opened.push({
        ...base,
        type: 'LOT_MISMATCH',
        ownerOrg: declaration.importerCode,
        units: mismatched.map(pack),
        detail: `${mismatched.length} packs arrived under another lot than declared`,
      });
    }
    if (excursion.length > 0) {
      opened.push({
        ...base,
        type: 'COLD_CHAIN_EXCURSION',
        ownerOrg: principal.org,
        units: excursion.map(pack),
        detail: `${dto.temperatureC} °C at receipt is outside the storage range`,
      });
    }
    const exceptions = await this.exceptions.open(opened, principal);

    return {
      receiptId: randomUUID(),
      declarationNo: declaration.declarationNo,
      received: receipts.filter((e) => !ledgerPending && !refusalOf.has(e.eventId)).length,
      missing: comparison.missing,
      unexpected,
      rejected: rejected.sort((a, b) => a.index - b.index),
      exceptions,
      refused: [...refusalOf.values()]
        .filter((v) => !expectedRefusals.has(v.eventId))
        .map((v) => ({ eventId: v.eventId, code: v.code, detail: v.detail })),
      ...(ledgerPending ? { ledgerPending } : {}),
    };
  }

  /** Received packs whose product may not be kept at this temperature. */
  private async excursions(packs: ScannedPack[], temperatureC: number): Promise<ScannedPack[]> {
    const rows: { gtin: string; storage_min_c: string | null; storage_max_c: string | null }[] =
      await this.db.query(
        `SELECT gtin, storage_min_c, storage_max_c FROM products WHERE gtin = ANY($1::text[])`,
        [[...new Set(packs.map((p) => p.gtin))]],
      );
    const out = new Set<string>();
    for (const r of rows) {
      const range = {
        storageMinC: r.storage_min_c === null ? null : Number(r.storage_min_c),
        storageMaxC: r.storage_max_c === null ? null : Number(r.storage_max_c),
      };
      if (checkStorageRange(range, temperatureC)) out.add(r.gtin);
    }
    return packs.filter((p) => out.has(p.gtin));
  }

  private async declaration(declarationNo: string) {
    const rows: {
      declaration_no: string;
      approval_no: string;
      importer_code: string;
      status: string;
    }[] = await this.db.query(
      `SELECT declaration_no, approval_no, importer_code, status FROM import_declarations WHERE declaration_no = $1`,
      [declarationNo],
    );
    if (rows.length === 0)
      throw new ProblemException('NOT_FOUND', `No declaration ${declarationNo}`);
    if (rows[0].status === 'DECLARED') {
      throw new ProblemException(
        'INVALID_STATE_TRANSITION',
        `Declaration ${declarationNo} has not arrived at the port`,
      );
    }
    return {
      declarationNo: rows[0].declaration_no,
      approvalNo: rows[0].approval_no,
      importerCode: rows[0].importer_code,
    };
  }
}

const pack = (p: PackRef) => ({ gtin: p.gtin, serial: p.serial, ...(p.lot ? { lot: p.lot } : {}) });
