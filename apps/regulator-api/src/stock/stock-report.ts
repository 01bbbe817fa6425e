import {
  EXPIRY_BANDS,
  ExpiryBand,
  expiryBand,
  NON_TERMINAL_STATES,
  USABLE_STATES,
  UnitState,
} from '@trace/domain';

export type ExpiryBandCounts = Record<ExpiryBand, number>;

/** Units sharing one expiry date. */
export interface ExpiryCount {
  expiry: string;
  units: number;
}

/**
 * Why units of a row cannot be used: their state (RECALLED, EXPIRED, QUARANTINED…), or,
 * in a state that looks usable, an expiry date already past.
 */
export type NotUsableReason = UnitState | 'EXPIRED_BY_DATE';

export interface StockUsability {
  units: number;
  /** In a state from which they can reach a patient, and not past their expiry date. */
  usable: number;
  notUsable: number;
  notUsableReason: NotUsableReason | null;
  /**
   * Past their expiry date but still in a usable state (nobody recorded them EXPIRED): the
   * units a stock list would otherwise count as usable (domain.md §5.4).
   */
  expiredNotWithdrawn: number;
  expiryBands: ExpiryBandCounts;
  earliestExpiry: string | null;
}

export const emptyBands = (): ExpiryBandCounts =>
  Object.fromEntries(EXPIRY_BANDS.map((b) => [b, 0])) as ExpiryBandCounts;

/** Units of one state by expiry date, judged on `today` (UTC 'YYYY-MM-DD'). */
export function assessStock(
  state: UnitState,
  expiries: readonly ExpiryCount[],
  today: string,
): StockUsability {
  const expiryBands = emptyBands();
  let units = 0;
  let earliestExpiry: string | null = null;
  for (const e of expiries) {
    expiryBands[expiryBand(e.expiry, today)] += e.units;
    units += e.units;
    if (earliestExpiry === null || e.expiry < earliestExpiry) earliestExpiry = e.expiry;
  }
  const usableState = USABLE_STATES.includes(state);
  const expiredNotWithdrawn = usableState ? expiryBands.EXPIRED : 0;
  const usable = usableState ? units - expiredNotWithdrawn : 0;
  const notUsable = units - usable;
  return {
    units,
    usable,
    notUsable,
    notUsableReason: !usableState ? state : expiredNotWithdrawn > 0 ? 'EXPIRED_BY_DATE' : null,
    expiredNotWithdrawn,
    expiryBands,
    earliestExpiry,
  };
}

export interface StockTotals {
  units: number;
  usable: number;
  notUsable: number;
  expiredNotWithdrawn: number;
  expiryBands: ExpiryBandCounts;
  byState: Partial<Record<UnitState, number>>;
}

/** The grand total over every matching unit, from counts by state and expiry date. */
export function totalStock(
  counts: readonly (ExpiryCount & { state: UnitState })[],
  today: string,
): StockTotals {
  const byStateExpiries = new Map<UnitState, ExpiryCount[]>();
  for (const c of counts) {
    const list = byStateExpiries.get(c.state) ?? [];
    list.push(c);
    byStateExpiries.set(c.state, list);
  }
  const totals: StockTotals = {
    units: 0,
    usable: 0,
    notUsable: 0,
    expiredNotWithdrawn: 0,
    expiryBands: emptyBands(),
    byState: {},
  };
  for (const [state, expiries] of byStateExpiries) {
    const a = assessStock(state, expiries, today);
    totals.units += a.units;
    totals.usable += a.usable;
    totals.notUsable += a.notUsable;
    totals.expiredNotWithdrawn += a.expiredNotWithdrawn;
    for (const band of EXPIRY_BANDS) totals.expiryBands[band] += a.expiryBands[band];
    totals.byState[state] = a.units;
  }
  return totals;
}

export interface StockFilter {
  custodianCode?: string;
  locationCode?: string;
  gtin?: string;
  lot?: string;
  state?: UnitState;
}

/**
 * The WHERE clause of a stock query over `stock_counts` (location '' when none) or `units`
 * (location NULL when none), with its parameters ($1…). Without a state filter, stock is
 * what has not left the supply chain: terminal states (administered, destroyed…) are not
 * stock, but recalled, expired or quarantined units are, as they still have to be dealt with.
 */
export function stockFilterSql(
  filter: StockFilter,
  table: 'stock_counts' | 'units',
): { whereSql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = [
    filter.state
      ? `state = ${param(filter.state)}`
      : `state = ANY(${param(NON_TERMINAL_STATES)}::text[])`,
  ];
  if (table === 'stock_counts') where.push('units > 0');
  if (filter.custodianCode) where.push(`custodian_org = ${param(filter.custodianCode)}`);
  if (filter.locationCode) where.push(`location_code = ${param(filter.locationCode)}`);
  if (filter.gtin) where.push(`gtin = ${param(filter.gtin)}`);
  if (filter.lot) where.push(`lot = ${param(filter.lot)}`);
  return { whereSql: `WHERE ${where.join(' AND ')}`, params };
}
