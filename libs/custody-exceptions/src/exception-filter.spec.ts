import { exceptionFilterSql } from './exception-filter';

describe('exceptionFilterSql', () => {
  it('oversight with the default status: open ones of every organisation', () => {
    expect(exceptionFilterSql({ status: 'open' }, null)).toEqual({
      whereSql: 'WHERE resolved_at IS NULL',
      params: [],
    });
    expect(exceptionFilterSql({ status: 'all' }, null)).toEqual({ whereSql: '', params: [] });
  });

  it('an organisation sees what it owns or found, whatever else it asks', () => {
    const { whereSql, params } = exceptionFilterSql(
      { status: 'resolved', ownerCode: 'IMP-1' },
      'BW-1',
    );
    expect(whereSql).toBe(
      'WHERE (owner_org = $1 OR opened_org = $1) AND resolved_at IS NOT NULL AND owner_org = $2',
    );
    expect(params).toEqual(['BW-1', 'IMP-1']);
  });

  it('overdue is open past the deadline; times bound the opening, from inclusive', () => {
    const { whereSql, params } = exceptionFilterSql(
      {
        status: 'overdue',
        type: 'COLD_CHAIN_EXCURSION',
        from: new Date('2026-06-01T00:00:00Z'),
        to: new Date('2026-07-01T00:00:00+08:00'),
      },
      null,
    );
    expect(whereSql).toBe(
      'WHERE resolved_at IS NULL AND due_by < now() AND type = $1 AND opened_at >= $2 AND opened_at < $3',
    );
    expect(params).toEqual([
      'COLD_CHAIN_EXCURSION',
      '2026-06-01T00:00:00.000Z',
      '2026-06-30T16:00:00.000Z',
    ]);
  });
});
