import { PreparedWrites } from './prepared-writes';

describe('PreparedWrites', () => {
  const make = (maxNames?: number) => {
    const sent: { name?: string; text: string; values?: unknown[] }[] = [];
    const writes = new PreparedWrites(
      {
        query: async (config) => {
          sent.push(config);
          return { rows: [] };
        },
      },
      maxNames,
    );
    return { writes, sent };
  };

  it('names one-statement writes, the same text the same name, and nothing else', async () => {
    const { writes, sent } = make();
    await writes.query('WITH tree_lock AS (UPDATE a) SELECT 1', [1]);
    await writes.query('WITH tree_lock AS (UPDATE a) SELECT 1', [2]);
    await writes.query('WITH tree_lock AS (UPDATE b) SELECT 1', [3]);
    await writes.query('SELECT 1 FROM units', [4]);
    expect(sent.map((c) => c.values)).toEqual([[1], [2], [3], [4]]);
    expect(sent[0].name).toMatch(/^ledger_write_[0-9a-f]{24}$/);
    expect(sent[1].name).toBe(sent[0].name);
    expect(sent[2].name).not.toBe(sent[0].name);
    expect(sent[2].name).toMatch(/^ledger_write_/);
    expect(sent[3]).not.toHaveProperty('name');
  });

  it('names no more than its bound: later texts go unnamed, earlier ones keep their names', async () => {
    const { writes, sent } = make(2);
    for (const t of ['a', 'b', 'c', 'a']) await writes.query(`WITH tree_lock AS (${t}) SELECT 1`);
    expect(sent.map((c) => c.name !== undefined)).toEqual([true, true, false, true]);
    expect(sent[3].name).toBe(sent[0].name);
  });
});
