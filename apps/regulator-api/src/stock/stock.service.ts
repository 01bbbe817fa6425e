import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hasOversight, Principal } from '@trace/auth';
import { UnitState, utcDateOf } from '@trace/domain';
import { Page, ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { Clock } from '@trace/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { StockQuery } from './stock-query.dto';
import {
  assessStock,
  ExpiryCount,
  StockFilter,
  stockFilterSql,
  StockTotals,
  StockUsability,
  totalStock,
} from './stock-report';

export interface StockRow extends StockUsability {
  custodianCode: string;
  locationCode: string | null;
  gtin: string;
  productName: string | null;
  lot: string;
  state: UnitState;
}

export interface StockReport extends Page<StockRow> {
  /** The UTC date the expiry bands and usability were judged on. */
  asOf: string;
  /** Over every matching unit, not only this page. */
  totals: StockTotals;
}

/**
 * Stock by custodian × location × product × lot × state (the `stock_counts` projection),
 * with expiry bands and usability per row from the units themselves, so that units expired
 * by date but never recorded EXPIRED, and recalled ones, show as not usable (domain.md §5.4).
 */
@Injectable()
export class StockService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async report(q: StockQuery, principal: Principal): Promise<StockReport> {
    const filter: StockFilter = {
      custodianCode: q.custodianCode,
      locationCode: q.locationCode,
      gtin: q.gtin === undefined ? undefined : (normaliseGtin(q.gtin) as string),
      lot: q.lot,
      state: q.state,
    };
    if (!hasOversight(principal)) {
      await this.assertOwnStock(filter, principal);
      filter.custodianCode = principal.org;
    }
    const asOf = utcDateOf(this.clock.now()) as string;
    // One snapshot: the page, its bands and the totals describe the same moment.
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      const counts = stockFilterSql(filter, 'stock_counts');
      const [{ n }]: { n: string }[] = await tx.query(
        `SELECT count(*) AS n FROM stock_counts ${counts.whereSql}`,
        counts.params,
      );
      const rows: Record<string, string | number | null>[] = await tx.query(
        `SELECT sc.custodian_org, sc.location_code, sc.gtin, p.name AS product_name, sc.lot, sc.state
           FROM (SELECT * FROM stock_counts ${counts.whereSql}) sc
           LEFT JOIN products p ON p.gtin = sc.gtin
          ORDER BY sc.custodian_org, sc.location_code, sc.gtin, sc.lot, sc.state
          LIMIT $${counts.params.length + 1} OFFSET $${counts.params.length + 2}`,
        [...counts.params, q.pageSize, (q.page - 1) * q.pageSize],
      );
      const expiries = await this.expiriesOfRows(tx, rows);
      const items: StockRow[] = rows.map((r, i) => ({
        custodianCode: r.custodian_org as string,
        locationCode: r.location_code === '' ? null : (r.location_code as string),
        gtin: r.gtin as string,
        productName: (r.product_name as string | null) ?? null,
        lot: r.lot as string,
        state: r.state as UnitState,
        ...assessStock(r.state as UnitState, expiries.get(i) ?? [], asOf),
      }));
      const units = stockFilterSql(filter, 'units');
      const byStateAndExpiry: { state: UnitState; expiry: string; n: string }[] = await tx.query(
        `SELECT state, to_char(expiry, 'YYYY-MM-DD') AS expiry, count(*) AS n
           FROM units ${units.whereSql} GROUP BY state, expiry`,
        units.params,
      );
      const totals = totalStock(
        byStateAndExpiry.map((c) => ({ state: c.state, expiry: c.expiry, units: Number(c.n) })),
        asOf,
      );
      return { asOf, items, page: q.page, pageSize: q.pageSize, total: Number(n), totals };
    });
  }

  /**
   * An organisation reads only the stock it holds. Another organisation's location and a
   * location that does not exist get the same refusal, so neither is revealed.
   */
  private async assertOwnStock(filter: StockFilter, principal: Principal): Promise<void> {
    const refuse = () => new ProblemException('FORBIDDEN', `You act for ${principal.org} only`);
    if (filter.custodianCode !== undefined && filter.custodianCode !== principal.org) {
      throw refuse();
    }
    if (filter.locationCode !== undefined) {
      const rows: { organisation_code: string }[] = await this.db.query(
        `SELECT organisation_code FROM locations WHERE code = $1`,
        [filter.locationCode],
      );
      if (rows[0]?.organisation_code !== principal.org) throw refuse();
    }
  }

  /** Units of each page row by expiry date, keyed by the row's position. */
  private async expiriesOfRows(
    tx: EntityManager,
    rows: Record<string, string | number | null>[],
  ): Promise<Map<number, ExpiryCount[]>> {
    const out = new Map<number, ExpiryCount[]>();
    if (rows.length === 0) return out;
    const column = (name: string) => rows.map((r) => r[name]);
    const found: { i: string; expiry: string; n: string }[] = await tx.query(
      `SELECT k.i, to_char(u.expiry, 'YYYY-MM-DD') AS expiry, count(*) AS n
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                WITH ORDINALITY AS k(custodian_org, location_code, gtin, lot, state, i)
         JOIN units u ON u.gtin = k.gtin AND u.lot = k.lot AND u.custodian_org = k.custodian_org
                     AND coalesce(u.location_code, '') = k.location_code AND u.state = k.state
        GROUP BY k.i, u.expiry`,
      [
        column('custodian_org'),
        column('location_code'),
        column('gtin'),
        column('lot'),
        column('state'),
      ],
    );
    for (const f of found) {
      const i = Number(f.i) - 1;
      const list = out.get(i) ?? [];
      list.push({ expiry: f.expiry, units: Number(f.n) });
      out.set(i, list);
    }
    return out;
  }
}
