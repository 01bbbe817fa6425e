import { NON_TERMINAL_STATES } from '@trace/domain';
import { assessStock, stockFilterSql, totalStock } from './stock-report';

const TODAY = '2026-06-15';

describe('assessStock', () => {
  it('bands units by expiry: expired, within 30 days, within 90, later', () => {
    const a = assessStock(
      'HOSPITAL_STOCK',
      [
        { expiry: '2026-06-14', units: 1 }, // yesterday: expired
        { expiry: '2026-06-15', units: 2 }, // today is still a day of use
        { expiry: '2026-07-14', units: 3 }, // 29 days left
        { expiry: '2026-07-15', units: 4 }, // 30 days left
        { expiry: '2026-09-13', units: 5 }, // 90 days left
      ],
      TODAY,
    );
    expect(a.expiryBands).toEqual({
      EXPIRED: 1,
      WITHIN_30_DAYS: 5,
      WITHIN_90_DAYS: 4,
      LATER: 5,
    });
    expect(a.units).toBe(15);
    expect(a.earliestExpiry).toBe('2026-06-14');
  });

  it('units past their date in a usable state are not usable, and say so', () => {
    const a = assessStock(
      'BONDED_STOCK',
      [
        { expiry: '2026-01-31', units: 2 },
        { expiry: '2027-01-31', units: 3 },
      ],
      TODAY,
    );
    expect(a).toMatchObject({
      usable: 3,
      notUsable: 2,
      expiredNotWithdrawn: 2,
      notUsableReason: 'EXPIRED_BY_DATE',
    });
  });

  it('recalled, expired or quarantined units are never usable, whatever their date', () => {
    for (const state of ['RECALLED', 'EXPIRED', 'QUARANTINED'] as const) {
      expect(assessStock(state, [{ expiry: '2027-01-31', units: 4 }], TODAY)).toMatchObject({
        usable: 0,
        notUsable: 4,
        expiredNotWithdrawn: 0,
        notUsableReason: state,
      });
    }
  });

  it('all usable: no reason', () => {
    expect(
      assessStock('HOSPITAL_STOCK', [{ expiry: '2027-01-31', units: 4 }], TODAY),
    ).toMatchObject({ usable: 4, notUsable: 0, notUsableReason: null });
    expect(assessStock('HOSPITAL_STOCK', [], TODAY)).toMatchObject({
      units: 0,
      usable: 0,
      earliestExpiry: null,
    });
  });
});

describe('totalStock', () => {
  it('adds up states and bands', () => {
    const t = totalStock(
      [
        { state: 'HOSPITAL_STOCK', expiry: '2026-01-31', units: 1 },
        { state: 'HOSPITAL_STOCK', expiry: '2027-01-31', units: 5 },
        { state: 'RECALLED', expiry: '2027-01-31', units: 2 },
      ],
      TODAY,
    );
    expect(t).toEqual({
      units: 8,
      usable: 5,
      notUsable: 3,
      expiredNotWithdrawn: 1,
      expiryBands: { EXPIRED: 1, WITHIN_30_DAYS: 0, WITHIN_90_DAYS: 0, LATER: 7 },
      byState: { HOSPITAL_STOCK: 6, RECALLED: 2 },
    });
  });
});

describe('stockFilterSql', () => {
  it('leaves terminal states out unless a state is asked for', () => {
    expect(stockFilterSql({}, 'stock_counts')).toEqual({
      whereSql: 'WHERE state = ANY($1::text[]) AND units > 0',
      params: [NON_TERMINAL_STATES],
    });
    expect(stockFilterSql({ state: 'ADMINISTERED' }, 'units')).toEqual({
      whereSql: 'WHERE state = $1',
      params: ['ADMINISTERED'],
    });
  });

  it('every filter is a parameter', () => {
    const { whereSql, params } = stockFilterSql(
      {
        custodianCode: 'HOSP-1',
        locationCode: 'HOSP-1-PH',
        gtin: '09506000134352',
        lot: "L1'; --",
        state: 'HOSPITAL_STOCK',
      },
      'units',
    );
    expect(whereSql).toBe(
      'WHERE state = $1 AND custodian_org = $2 AND location_code = $3 AND gtin = $4 AND lot = $5',
    );
    expect(params).toEqual(['HOSPITAL_STOCK', 'HOSP-1', 'HOSP-1-PH', '09506000134352', "L1'; --"]);
  });
});
