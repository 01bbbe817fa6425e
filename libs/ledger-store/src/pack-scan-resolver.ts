import { ERROR_CODES, isErrorCode, PackRef } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { parseScan } from '@trace/identifiers';
import { rowsOf, SqlExecutor } from './sql-executor';
import { loadUnitsInContainers } from './unit-projection-store';

/** A pack a request named, with the position of the scan that named it. */
export interface ScannedPack extends PackRef {
  index: number;
}

export interface ResolvedScans {
  packs: ScannedPack[];
  /** Scans that name no pack, by position. */
  rejected: { index: number; code: string; detail: string }[];
  /** SSCCs scanned (a case or pallet scan stands for its packs). */
  containers: string[];
}

/**
 * Scans as staff send them, turned into packs through the projections: GS1 data and Digital
 * Links name a pack (with the lot the label shows), a case or pallet stands for the packs
 * recorded in it, a Chinese trace code for the pack it was applied to.
 */
export async function resolvePackScans(db: SqlExecutor, scans: string[]): Promise<ResolvedScans> {
  const out: ResolvedScans = { packs: [], rejected: [], containers: [] };
  const cnCodes: { index: number; code: string }[] = [];
  for (let index = 0; index < scans.length; index++) {
    const scan = parseScan(scans[index]);
    if (!scan.valid) {
      out.rejected.push({
        index,
        code: scan.code ?? 'BARCODE_INVALID',
        detail: scan.detail ?? 'unreadable',
      });
    } else if (scan.gtin && scan.serial) {
      out.packs.push({ gtin: scan.gtin, serial: scan.serial, lot: scan.lot, index });
    } else if (scan.sscc) {
      out.containers.push(scan.sscc);
      const inside = await loadUnitsInContainers(db, [scan.sscc]);
      if (inside.length === 0) {
        out.rejected.push({
          index,
          code: 'PARENT_CONTAINS_UNKNOWN_CHILD',
          detail: `nothing is known to be inside ${scan.sscc}`,
        });
      }
      for (const u of inside) out.packs.push({ gtin: u.gtin, serial: u.serial, index });
    } else if (scan.cnCode) {
      cnCodes.push({ index, code: scan.cnCode });
    } else {
      out.rejected.push({ index, code: 'UNKNOWN_SERIAL', detail: 'the scan has no serial' });
    }
  }
  if (cnCodes.length > 0) {
    const rows = await rowsOf<{ alias: string; gtin: string; serial: string }>(
      db,
      `SELECT alias, gtin, serial FROM unit_aliases WHERE alias = ANY($1::text[])`,
      [cnCodes.map((c) => c.code)],
    );
    const byAlias = new Map(rows.map((r) => [r.alias, r]));
    for (const c of cnCodes) {
      const unit = byAlias.get(c.code);
      if (unit) out.packs.push({ gtin: unit.gtin, serial: unit.serial, index: c.index });
      else {
        out.rejected.push({
          index: c.index,
          code: 'UNKNOWN_SERIAL',
          detail: `Chinese code ${c.code} was never applied to a pack`,
        });
      }
    }
  }
  return out;
}

/**
 * For all-or-nothing actions (a shipment, a count, a return slip): every scan must name packs,
 * each pack once; otherwise the whole request is refused with the first problem's code.
 */
export async function resolveEveryPackOnce(
  db: SqlExecutor,
  scans: string[],
): Promise<ScannedPack[]> {
  const resolved = await resolvePackScans(db, scans);
  const bad = resolved.rejected[0];
  if (bad) {
    const code = isErrorCode(bad.code) ? bad.code : 'BARCODE_INVALID';
    throw new ProblemException(
      code,
      `scans[${bad.index}]: ${bad.detail}`,
      { errors: resolved.rejected },
      ERROR_CODES[code],
    );
  }
  const seen = new Set<string>();
  for (const p of resolved.packs) {
    const key = `${p.gtin}/${p.serial}`;
    if (seen.has(key)) throw new ProblemException('DUPLICATE_CODE_USE', `${key} is named twice`);
    seen.add(key);
  }
  return resolved.packs;
}
