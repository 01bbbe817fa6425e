import { loadUnits, SqlParams, unitsStillAsSeenSql, unitsUpdateSql } from '@trace/ledger-store';
import { createTestEnvironment, TestEnvironment } from '@trace/testing';
import { Pool } from 'pg';

const GTIN = '09506000134352';

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
    // Only the plans matter here: the rows go in directly, as announced packs.
    await pool.query(
      `INSERT INTO units (gtin, serial, lot, expiry, state, custodian_org, last_index, updated_at)
       SELECT $1, 'PL' || i, 'L1', '2028-12-31', 'ANNOUNCED', 'IMP-1', i, now()
         FROM generate_series(0, 19999) AS i`,
      [GTIN],
    );
    await pool.query('ANALYZE units');
  });

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
