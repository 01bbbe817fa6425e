import {
  DomainUnitEventEvaluator,
  LedgerSequencer,
  loadUnits,
  SqlExecutor,
  SqlParams,
  unitsStillAsSeenSql,
  unitsUpdateSql,
} from '@trace/ledger-store';
import type { LedgerEventInput } from '@trace/queue';
import { createTestEnvironment, TestEnvironment } from '@trace/testing';
import { Pool } from 'pg';

const GTIN = '09506000134352';
const announce = (serial: string): LedgerEventInput => ({
  eventId: `urn:uuid:plan-${process.pid}-${serial}`,
  action: 'ANNOUNCE',
  eventTime: '2026-06-01T10:00:00.000Z',
  actor: { sub: 'imp-1', org: 'IMP-1', roles: ['importer'] },
  epcis: { type: 'ObjectEvent', action: 'ADD', bizStep: 'announce' },
  units: [{ gtin: GTIN, serial, lot: 'L1', expiry: '2028-12-31' }],
});

/**
 * A counter's write names one or two units. The planner guesses 100 rows for the set they
 * come in as, and against a units table of up to a few ten thousand rows would join over all
 * of it rather than look each one up: these plans must stay key lookups.
 */
describe("the unit writes of a counter's batch", () => {
  let env: TestEnvironment;
  let pool: Pool;

  beforeAll(async () => {
    env = await createTestEnvironment();
    const db = env.cfg.database;
    pool = new Pool({ ...db, max: 4 });
    pool.on('error', () => undefined);
    const transactions = async <T>(work: (db: SqlExecutor) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } finally {
        client.release();
      }
    };
    const sequencer = new LedgerSequencer(transactions, new DomainUnitEventEvaluator());
    const serials = Array.from({ length: 20_000 }, (_, i) => `PL${i}`);
    for (let i = 0; i < serials.length; i += 1000)
      await sequencer.sequence(serials.slice(i, i + 1000).map(announce));
    await pool.query('ANALYZE units');
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await env?.teardown();
  });

  const plan = async (sql: string, params: unknown[]) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN'] as string).join('\n');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };

  it('updates a unit, and checks units as a decision saw them, by key among 20,000', async () => {
    const [unit] = (await loadUnits(pool, [{ gtin: GTIN, serial: 'PL7' }])).values();
    const update = new SqlParams();
    const updated = await plan(unitsUpdateSql(update, [unit], null), update.values);
    expect(updated).toContain('Index Scan using units_pkey');
    expect(updated).not.toContain('Seq Scan on units');

    const check = new SqlParams();
    const condition = unitsStillAsSeenSql(check, [unit], [{ gtin: GTIN, serial: 'PL-none' }]);
    const checked = await plan(`SELECT ${condition}`, check.values);
    expect(checked).not.toContain('Seq Scan on units');
  });
});
