import { alertUnionSql } from './alert-query';

const branches = (sql: string) => sql.split('\nUNION ALL\n');
const sources = (sql: string) =>
  branches(sql).map(
    (b) => /FROM (ledger_entries|custody_exceptions|prescription_alerts)/.exec(b)?.[1],
  );

describe('alertUnionSql', () => {
  it('without filters reads every source', () => {
    const union = alertUnionSql({});
    expect(sources(union!.sql)).toEqual([
      'ledger_entries',
      'custody_exceptions',
      'prescription_alerts',
    ]);
    expect(union!.params).toEqual([['DUPLICATE_CODE_USE', 'ALREADY_DISPENSED']]);
  });

  it('a kind or a code keeps to the sources that can hold it', () => {
    expect(sources(alertUnionSql({ kind: 'COLD_CHAIN_EXCURSION' })!.sql)).toEqual([
      'custody_exceptions',
    ]);
    expect(sources(alertUnionSql({ code: 'TAKEOUT_CYCLE_ANOMALY' })!.sql)).toEqual([
      'ledger_entries',
      'prescription_alerts',
    ]);
    expect(sources(alertUnionSql({ code: 'EXPIRED' })!.sql)).toEqual(['ledger_entries']);
    expect(alertUnionSql({ kind: 'TAKEOUT_CYCLE_ANOMALY', code: 'EXPIRED' })).toBeNull();
  });

  it('duplicate use and other refusals split the alert entries', () => {
    expect(alertUnionSql({ kind: 'DUPLICATE_CODE_USE' })!.sql).toContain(
      'le.refusal_code = ANY($1::text[])',
    );
    expect(alertUnionSql({ kind: 'REFUSED_EVENT' })!.sql).toContain(
      'le.refusal_code <> ALL($1::text[])',
    );
  });

  it('shares one parameter per value across sources', () => {
    const union = alertUnionSql({
      organisationCode: 'HOSP-1',
      gtin: '09506000134352',
      lot: 'L1',
      from: new Date('2026-06-01T00:00:00Z'),
      to: new Date('2026-07-01T00:00:00Z'),
    })!;
    expect(union.params).toEqual([
      '2026-06-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
      'HOSP-1',
      '09506000134352',
      'L1',
      ['DUPLICATE_CODE_USE', 'ALREADY_DISPENSED'],
    ]);
    const [ledger, exceptions, prescriptions] = branches(union.sql);
    expect(ledger).toContain(
      'le.event_time >= $1::timestamptz AND le.event_time < $2::timestamptz',
    );
    expect(ledger).toContain('le.actor_org = $3');
    expect(ledger).toContain(
      'le.idx IN (SELECT ue.idx FROM unit_events ue WHERE ue.gtin = $4 AND ue.serial IN (SELECT u.serial FROM units u WHERE u.gtin = $4 AND u.lot = $5))',
    );
    expect(exceptions).toContain('(ce.owner_org = $3 OR ce.opened_org = $3)');
    expect(prescriptions).toContain('pa.hospital_org = $3 AND pa.gtin = $4');
  });
});
