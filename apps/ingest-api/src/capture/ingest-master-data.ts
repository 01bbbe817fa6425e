import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { loadUnitsInContainers } from '@trace/ledger-store';
import type { UnitRef } from '@trace/queue';
import { DataSource } from 'typeorm';

export interface KnownLocation {
  code: string;
  organisationCode: string;
  sgln: string | null;
}

/** The master data and projections ingest reads to turn identifiers into packs and places. */
@Injectable()
export class IngestMasterData {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** GCP length of every known product among `gtins` (the SGTIN URN needs it). */
  async products(gtins: string[]): Promise<Map<string, number>> {
    if (gtins.length === 0) return new Map();
    const rows: { gtin: string; gcp_length: number }[] = await this.db.query(
      `SELECT gtin, gcp_length FROM products WHERE gtin = ANY($1::text[])`,
      [[...new Set(gtins)]],
    );
    return new Map(rows.map((r) => [r.gtin, Number(r.gcp_length)]));
  }

  /** Locations named by code or by SGLN URN, keyed by what was asked. */
  async locations(ids: string[]): Promise<Map<string, KnownLocation>> {
    if (ids.length === 0) return new Map();
    const rows: { code: string; organisation_code: string; sgln: string | null }[] =
      await this.db.query(
        `SELECT code, organisation_code, sgln FROM locations
          WHERE code = ANY($1::text[]) OR sgln = ANY($1::text[])`,
        [[...new Set(ids)]],
      );
    const out = new Map<string, KnownLocation>();
    for (const r of rows) {
      const location = { code: r.code, organisationCode: r.organisation_code, sgln: r.sgln };
      out.set(r.code, location);
      if (r.sgln) out.set(r.sgln, location);
    }
    return out;
  }

  /** Packs behind Chinese trace codes applied in the bonded warehouse. */
  async aliases(codes: string[]): Promise<Map<string, UnitRef>> {
    if (codes.length === 0) return new Map();
    const rows: { alias: string; gtin: string; serial: string }[] = await this.db.query(
      `SELECT alias, gtin, serial FROM unit_aliases WHERE alias = ANY($1::text[])`,
      [[...new Set(codes)]],
    );
    return new Map(rows.map((r) => [r.alias, { gtin: r.gtin, serial: r.serial }]));
  }

  /** The packs inside a case or pallet (and inside the cases on a pallet). */
  async contents(sscc: string): Promise<UnitRef[]> {
    const units = await loadUnitsInContainers(this.db, [sscc]);
    return units.map((u) => ({ gtin: u.gtin, serial: u.serial }));
  }
}
