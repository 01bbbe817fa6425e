import { parseVerifierKey, formatVerifierKey, generateSigner } from '@trace/ledger';
import {
  auditLedger,
  DomainUnitEventEvaluator,
  findSequenced,
  LedgerSequencer,
  loadUnits,
  PreparedWrites,
  readDecisionInputs,
  SqlExecutor,
  TransactionRunner,
  unitAsReadSql,
} from '@trace/ledger-store';
import type { LedgerEventInput, LedgerVerdict } from '@trace/queue';
import { createTestEnvironment, databaseClient, TestEnvironment } from '@trace/testing';
import { Pool } from 'pg';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const GTIN = '09506000134352';
const importer = { sub: 'imp-1', org: 'IMP-1', roles: ['importer'] };
let n = 0;
const event = (action: string, serial: string): LedgerEventInput => ({
  eventId: `urn:uuid:pipe-${process.pid}-${++n}`,
  action,
  eventTime: '2026-06-01T10:00:00.000Z',
  actor: importer,
  epcis: { type: 'ObjectEvent', action: 'OBSERVE', bizStep: action.toLowerCase() },
  units: [{ gtin: GTIN, serial, lot: 'L1', expiry: '2028-12-31' }],
  refs: action === 'ARRIVE' ? { declarationNo: 'D-1' } : {},
});

/**
 * The sequencer decides batch N+1 while batch N is being written, on top of N's effects kept
 * in memory. These tests hand it many batches at once — each depending on the one before —
 * and make a write fail in the middle of the pipeline.
 */
describe('the pipelined sequencer', () => {
  let env: TestEnvironment;
  let pool: Pool;

  beforeAll(async () => {
    env = await createTestEnvironment();
    const db = env.cfg.database;
    pool = new Pool({
      host: db.host,
      port: db.port,
      database: db.database,
      user: db.user,
      password: db.password,
      max: 6,
    });
    // Sessions still open when the database is dropped at the end are cut: not a failure.
    pool.on('error', () => undefined);
  });

  afterAll(async () => {
    await pool?.end();
    await env?.teardown();
  });

  /** BEGIN … COMMIT on one pooled connection; `failWhen` makes a chosen batch roll back after its writes. */
  const transactions =
    (failWhen: (batch: number) => boolean = () => false) =>
    async <T>(work: (db: SqlExecutor) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      const batch = ++transactions.count;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        if (failWhen(batch)) throw new Error(`injected failure of batch ${batch}`);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    };
  transactions.count = 0;

  /** A sequencer as the ledger-writer runs it: reads outside the transaction, on the pool. */
  const pipelined = (runner: TransactionRunner = transactions(), reads: SqlExecutor = pool) =>
    new LedgerSequencer(runner, new DomainUnitEventEvaluator(), () => new Date(), reads);

  /** Whether a statement is a small batch's one-statement write (ADR 0011). */
  const isOneStatementWrite = (sql: string) => sql.trimStart().startsWith('WITH tree_lock');

  /**
   * The pool as the sequencer's connection for reads and one-statement writes, with `before`
   * run ahead of each statement (it may throw: the statement is then never sent).
   */
  const poolWith = (before: (sql: string) => Promise<void> | void): SqlExecutor => ({
    query: async (sql: string, params?: unknown[]) => {
      await before(sql);
      return pool.query(sql, params);
    },
  });

  async function state() {
    const units = await pool.query(`SELECT serial, state FROM units ORDER BY serial`);
    const entries = await pool.query(`SELECT count(*)::int AS n FROM ledger_entries`);
    return {
      units: Object.fromEntries(units.rows.map((r) => [r.serial, r.state])),
      entries: entries.rows[0].n,
    };
  }

  it('decides each batch on top of the one still being written', async () => {
    let opened = 0;
    const plain = transactions();
    const sequencer = pipelined((work) => {
      opened++;
      return plain(work);
    });
    // Batch k announces P<k> and moves P<k-1> on: every batch depends on the previous one.
    const batches: LedgerEventInput[][] = [];
    for (let k = 0; k < 12; k++) {
      const batch = [event('ANNOUNCE', `P${k}`)];
      if (k > 0) batch.push(event('ARRIVE', `P${k - 1}`));
      batches.push(batch);
    }
    const verdicts = (await Promise.all(batches.map((b) => sequencer.sequence(b)))).flat();
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
    expect(verdicts.map((v) => (v as { ledgerIndex: number }).ledgerIndex)).toEqual(
      verdicts.map((_, i) => i),
    );
    const s = await state();
    expect(s.entries).toBe(23);
    expect(s.units.P10).toBe('AT_PORT');
    expect(s.units.P11).toBe('ANNOUNCED');
    // Small batches: each written with one statement, its own transaction (no BEGIN/COMMIT).
    expect(sequencer.stats).toEqual({
      pipelined: 12,
      redecided: 0,
      oneStatement: 12,
      overlapped: 0,
      carried: 0,
      cutIn: 0,
      decidedOnProducerRead: 0,
    });
    expect(opened).toBe(0);
    // A redelivered batch is answered from the log, even while others are in flight.
    const again = await Promise.all([
      sequencer.sequence(batches[3]),
      sequencer.sequence([event('ARRIVE', 'P11')]),
    ]);
    expect(again[0].every((v) => v.duplicate)).toBe(true);
    expect(again[1][0]).toMatchObject({ accepted: true, ledgerIndex: 23 });
  });

  it('a small batch whose log moved before its one-statement write writes nothing and is decided again', async () => {
    const other = pipelined();
    let moved = false;
    // Another writer appends after this batch was decided and before it is written.
    const sequencer = pipelined(
      transactions(),
      poolWith(async (sql) => {
        if (!isOneStatementWrite(sql) || moved) return;
        moved = true;
        await other.sequence([event('ANNOUNCE', 'M1')]);
      }),
    );
    const before = (await state()).entries;
    const [verdict] = await sequencer.sequence([event('ANNOUNCE', 'M2')]);
    expect(verdict).toMatchObject({ accepted: true, ledgerIndex: before + 1 });
    expect(sequencer.stats).toEqual({
      pipelined: 0,
      redecided: 1,
      oneStatement: 0,
      overlapped: 0,
      carried: 0,
      cutIn: 0,
      decidedOnProducerRead: 0,
    });
    const s = await state();
    expect(s.entries).toBe(before + 2);
    expect(s.units.M1).toBe('ANNOUNCED');
    expect(s.units.M2).toBe('ANNOUNCED');
    const tree = await pool.query(`SELECT tree_size::int AS n FROM ledger_tree_state`);
    expect(tree.rows[0].n).toBe(before + 2);
  });

  it('a failed write in the middle: later batches are decided again, nothing assumed from it survives', async () => {
    let writes = 0;
    // The second one-statement write fails (a lost connection, say): nothing of it is written.
    const sequencer = pipelined(
      transactions(),
      poolWith((sql) => {
        if (isOneStatementWrite(sql) && ++writes === 2) {
          throw new Error('injected failure of batch 2');
        }
      }),
    );
    const before = (await state()).entries;
    const first = [event('ANNOUNCE', 'Q1')];
    const failing = [event('ANNOUNCE', 'Q2')];
    const dependent = [event('ARRIVE', 'Q2'), event('ARRIVE', 'Q1')];
    const results = await Promise.allSettled([
      sequencer.sequence(first),
      sequencer.sequence(failing),
      sequencer.sequence(dependent),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { message: 'injected failure of batch 2' },
    });
    const verdicts = (results[2] as PromiseFulfilledResult<LedgerVerdict[]>).value;
    // Q2 was never announced (its batch rolled back): its arrival is refused, Q1's accepted.
    expect(verdicts[0]).toMatchObject({
      accepted: false,
      code: 'UNKNOWN_SERIAL',
      alertIndex: before + 1,
    });
    expect(verdicts[1]).toMatchObject({ accepted: true, ledgerIndex: before + 2 });
    const s = await state();
    expect(s.entries).toBe(before + 3);
    expect(s.units.Q2).toBeUndefined();
    expect(s.units.Q1).toBe('AT_PORT');
    // The batch decided on top of the failed one was decided again.
    expect(sequencer.stats.redecided).toBeGreaterThanOrEqual(1);
  });

  it('a batch decided while another is decided under the lock waits its turn: the tree stays whole', async () => {
    let writes = 0;
    let late: Promise<LedgerVerdict[]> | null = null;
    const plain = transactions();
    const sequencer: LedgerSequencer = pipelined(
      // The decision under the lock reads slowly; a batch handed in meanwhile is decided
      // outside the lock on the same tree in memory, with fast reads.
      (work) =>
        plain((db) =>
          work({
            query: async (sql: string, params?: unknown[]) => {
              if (sql.trimStart().startsWith('SELECT (SELECT coalesce(json_agg(s)') && !late) {
                late = sequencer.sequence([event('ANNOUNCE', 'R3')]);
                await new Promise((r) => setTimeout(r, 150));
              }
              return db.query(sql, params);
            },
          }),
        ),
      poolWith((sql) => {
        if (isOneStatementWrite(sql) && ++writes === 1) {
          throw new Error('injected failure of the first write');
        }
      }),
    );
    const results = await Promise.allSettled([
      sequencer.sequence([event('ANNOUNCE', 'R1')]),
      // Decided on top of R1, which fails: decided again under the lock.
      sequencer.sequence([event('ANNOUNCE', 'R2')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(late).not.toBeNull();
    const [r3] = await (late as unknown as Promise<LedgerVerdict[]>);
    const [r2] = (results[1] as PromiseFulfilledResult<LedgerVerdict[]>).value;
    expect(r3).toMatchObject({ accepted: true });
    // One after the other, no gap, and the tree state agrees with the entries.
    expect(
      Math.abs(
        (r3 as { ledgerIndex: number }).ledgerIndex - (r2 as { ledgerIndex: number }).ledgerIndex,
      ),
    ).toBe(1);
    expect(await auditLedger(pool, [])).toMatchObject({ ok: true });
  });

  /** Batches over SMALL_BATCH events: written with several statements, inserts before the lock. */
  const large = (action: string, prefix: string, from = 0, count = 40) =>
    Array.from({ length: count }, (_, i) => event(action, `${prefix}${from + i}`));

  it('writes the inserts of large batches before the tree-state lock, in order, each on the one before', async () => {
    const sequencer = pipelined();
    const before = (await state()).entries;
    // Batch k announces 40 packs and moves batch k-1's on: inserts and updates in every batch.
    const batches = Array.from({ length: 6 }, (_, k) => [
      ...large('ANNOUNCE', `L${k}-`),
      ...(k > 0 ? large('ARRIVE', `L${k - 1}-`) : []),
    ]);
    const verdicts = (await Promise.all(batches.map((b) => sequencer.sequence(b)))).flat();
    expect(verdicts.filter((v) => !v.accepted)).toEqual([]);
    expect(verdicts.map((v) => (v as { ledgerIndex: number }).ledgerIndex)).toEqual(
      verdicts.map((_, i) => before + i),
    );
    expect(sequencer.stats).toEqual({
      pipelined: 6,
      redecided: 0,
      oneStatement: 0,
      overlapped: 6,
      carried: 0,
      cutIn: 0,
      decidedOnProducerRead: 0,
    });
    const s = await state();
    expect(s.entries).toBe(before + 40 * 11);
    expect(s.units['L4-39']).toBe('AT_PORT');
    expect(s.units['L5-0']).toBe('ANNOUNCED');
    const tree = await pool.query(`SELECT tree_size::int AS n FROM ledger_tree_state`);
    expect(tree.rows[0].n).toBe(before + 40 * 11);
    const stock = await pool.query(
      `SELECT state, units FROM stock_counts WHERE custodian_org = 'IMP-1' ORDER BY state`,
    );
    const units = await pool.query(
      `SELECT state, count(*)::int AS units FROM units WHERE custodian_org = 'IMP-1' GROUP BY state ORDER BY state`,
    );
    expect(stock.rows).toEqual(units.rows);
  });

  it('rolls back the early inserts of a large batch whose batch ahead failed, and decides it again', async () => {
    const statements: string[] = [];
    const savepoints = () => statements.filter((s) => s.startsWith('SAVEPOINT')).length;
    const plain = transactions();
    let opened = 0;
    const sequencer = pipelined(async (work) => {
      // Transactions open in the order the batches were handed in.
      const batch = ++opened;
      return plain(async (db) => {
        const result = await work(
          new Proxy(db as object, {
            get(target, prop) {
              const value = (target as Record<string | symbol, unknown>)[prop];
              if (prop !== 'query' || typeof value !== 'function') return value;
              return (sql: unknown, params?: unknown[]) => {
                if (typeof sql === 'string') statements.push(sql.trim().split(/\s+/, 3).join(' '));
                return (value as (...a: unknown[]) => unknown).call(target, sql, params);
              };
            },
          }) as SqlExecutor,
        );
        if (batch === 2) {
          // Fail only once the third batch has begun its inserts behind this one's lock.
          const until = Date.now() + 5000;
          while (savepoints() < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
          throw new Error('injected failure of batch 2');
        }
        return result;
      });
    });
    const before = (await state()).entries;
    const results = await Promise.allSettled([
      sequencer.sequence(large('ANNOUNCE', 'R')),
      sequencer.sequence(large('ANNOUNCE', 'S')),
      // Moves S on (not there once its batch failed) and announces T.
      sequencer.sequence([...large('ARRIVE', 'S', 0, 20), ...large('ANNOUNCE', 'T')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const third = (results[2] as PromiseFulfilledResult<LedgerVerdict[]>).value;
    expect(third.slice(0, 20).every((v) => !v.accepted && v.code === 'UNKNOWN_SERIAL')).toBe(true);
    expect(third.slice(20).every((v) => v.accepted)).toBe(true);
    expect(third.map((v) => (v.accepted ? v.ledgerIndex : v.alertIndex))).toEqual(
      third.map((_, i) => before + 40 + i),
    );
    // The third batch had written its inserts before the lock: they were rolled back.
    expect(statements).toContain('ROLLBACK TO SAVEPOINT');
    expect(sequencer.stats.redecided).toBeGreaterThanOrEqual(1);
    const s = await state();
    expect(s.entries).toBe(before + 100);
    expect(s.units.S0).toBeUndefined();
    expect(s.units.T39).toBe('ANNOUNCED');
    expect(await auditLedger(pool, [])).toMatchObject({ ok: true });
  });

  it('keeps no batch alive once later ones have committed', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sequencer = pipelined();
    const answers: WeakRef<LedgerVerdict[]>[] = [];
    // Two batches in flight all along, as under a steady ingest: each is decided on top of the
    // one being written.
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < 20) {
          const verdicts = await sequencer.sequence(large('ANNOUNCE', `W${next++}-`));
          answers.push(new WeakRef(verdicts));
        }
      }),
    );
    await new Promise((r) => setImmediate(r));
    gc();
    // The latest writes are remembered (the next one takes the lock after them); no others.
    expect(answers.filter((a) => a.deref() !== undefined).length).toBeLessThanOrEqual(3);
  });

  it('writes an urgent batch in the transaction of the bulk batch ahead, before bulk decided after it, and a failed one holds nothing up', async () => {
    const log: string[] = [];
    class Recording extends DomainUnitEventEvaluator {
      override evaluate(...args: Parameters<DomainUnitEventEvaluator['evaluate']>) {
        log.push(`decide ${args[0].units[0].serial}`);
        return super.evaluate(...args);
      }
    }
    const run = async (failUrgent: boolean, prefix: string) => {
      const inner = transactions();
      let opened = 0;
      const sequencer = new LedgerSequencer(
        async (work) => {
          const tx = ++opened;
          const result = await inner((client) =>
            work({
              // COPY goes through the client itself, as through a TypeORM query runner.
              queryRunner: { databaseConnection: client },
              query: async (sql: string, params?: unknown[]) => {
                // The bulk batch's write waits until the urgent batch is decided on top of it.
                while (!log.includes(`decide ${prefix}U`))
                  await new Promise((r) => setTimeout(r, 5));
                if (isOneStatementWrite(sql)) {
                  if (failUrgent) throw new Error('injected failure of the urgent write');
                  log.push(`urgent written in transaction ${tx}`);
                }
                // The urgent batch's own transaction, after the one carrying it failed.
                if (failUrgent && tx === 2) throw new Error('injected failure of the urgent write');
                return client.query(sql, params);
              },
            } as SqlExecutor),
          );
          log.push(`commit ${tx}`);
          return result;
        },
        new Recording(),
        () => new Date(),
        {
          query: async (sql: string, params?: unknown[]) => {
            if (isOneStatementWrite(sql)) log.push('urgent written by itself');
            return pool.query(sql, params);
          },
        },
      );
      const bulk = (tag: string) =>
        Array.from({ length: 100 }, (_, i) => event('ANNOUNCE', `${prefix}${tag}${i}`));
      log.length = 0;
      const results = await Promise.allSettled([
        sequencer.sequence(bulk('A')),
        sequencer.sequence([event('ANNOUNCE', `${prefix}U`)], { urgent: true }),
        sequencer.sequence(bulk('B')),
      ]);
      return { results, stats: sequencer.stats };
    };

    const { results, stats } = await run(false, 'G');
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    // The urgent batch was decided after the first bulk batch and written in its transaction,
    // not after its commit; the second bulk batch was decided once that had committed.
    expect(log.indexOf('decide GU')).toBeGreaterThan(log.indexOf('decide GA99'));
    expect(log.indexOf('urgent written in transaction 1')).toBeGreaterThan(
      log.indexOf('decide GU'),
    );
    expect(log.indexOf('commit 1')).toBeGreaterThan(log.indexOf('urgent written in transaction 1'));
    expect(log.indexOf('decide GB0')).toBeGreaterThan(log.indexOf('commit 1'));
    expect(log).not.toContain('urgent written by itself');
    expect(stats.carried).toBe(1);
    // The second bulk batch's first entry comes right after the urgent one.
    const [, urgent, second] = results.map(
      (r) => (r as PromiseFulfilledResult<LedgerVerdict[]>).value[0],
    );
    const index = (v: LedgerVerdict) => (v.accepted ? v.ledgerIndex : -1);
    expect(index(second)).toBe(index(urgent) + 1);

    // The urgent write fails in the transaction carrying it, and again in its own: the bulk
    // batch it rode with is rolled back with it (its job is retried), the bulk decisions
    // waiting on the urgent batch go on, and the log stays whole.
    const failed = await run(true, 'H');
    expect(failed.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    const s = await state();
    expect(s.units.HA0).toBeUndefined();
    expect(s.units.HU).toBeUndefined();
    expect(s.units.HB99).toBe('ANNOUNCED');
    expect(await auditLedger(pool, [])).toMatchObject({ ok: true });
  });

  it('an urgent batch reads its inputs while it waits its turn, and reads again when a batch decided meanwhile has committed', async () => {
    const sleep = () => new Promise((r) => setTimeout(r, 5));
    // The urgent batch U depends on bulk batch A, handed in just before it: U's read begins
    // before A is even decided. In the other runs a bulk batch B comes between them, and B's
    // own read waits until A has committed, so that U is decided after A's commit on a read
    // that does not show A's effects: A was decided after U's read began, or was still being
    // written when it began.
    const run = async (prefix: string, mode: 'next' | 'between' | 'whileWritten') => {
      let urgentRead = false;
      let committed = false;
      let writing = false;
      const runner = transactions();
      const sequencer = pipelined(
        async (work) => {
          writing = true;
          const result = await runner(async (db) => {
            const written = await work(db);
            while (!urgentRead) await sleep();
            return written;
          });
          committed = true;
          return result;
        },
        {
          query: async (sql: string, params?: unknown[]) => {
            const named = (what: string) => JSON.stringify(params ?? []).includes(`"${what}"`);
            while (named(`${prefix}B0`) && !committed) await sleep();
            const result = await pool.query(sql, params);
            if (named(`${prefix}U`)) urgentRead = true;
            return result;
          },
        },
      );
      const bulk = (tag: string) =>
        Array.from({ length: 40 }, (_, i) => event('ANNOUNCE', `${prefix}${tag}${i}`));
      const arrive = { ...event('ARRIVE', `${prefix}A7`), eventId: `${prefix}U` };
      const first = sequencer.sequence(bulk('A'));
      while (mode === 'whileWritten' && !writing) await sleep();
      const answers = await Promise.all([
        first,
        ...(mode === 'next' ? [] : [sequencer.sequence(bulk('B'))]),
        sequencer.sequence([arrive], { urgent: true }),
      ]);
      return answers[answers.length - 1][0];
    };
    // Decided on top of A still pending: A's effects come from memory.
    expect(await run('EA', 'next')).toMatchObject({ accepted: true });
    // A decided and committed after the early read began, before U's decision: read again.
    expect(await run('EB', 'between')).toMatchObject({ accepted: true });
    // A pending when the early read began, committed before U's decision: A is overlaid.
    expect(await run('EC', 'whileWritten')).toMatchObject({ accepted: true });
    const s = await state();
    expect(s.units.EAA7).toBe('AT_PORT');
    expect(s.units.EBA7).toBe('AT_PORT');
    expect(s.units.EBB39).toBe('ANNOUNCED');
    expect(s.units.ECA7).toBe('AT_PORT');
    expect(await auditLedger(pool, [])).toMatchObject({ ok: true });
  });

  it("lets a counter's batch handed in while a bulk batch is decided go first, when the two name nothing in common", async () => {
    const log: string[] = [];
    let reached: (() => void) | null = null;
    let watch = '';
    class Recording extends DomainUnitEventEvaluator {
      override evaluate(...args: Parameters<DomainUnitEventEvaluator['evaluate']>) {
        const serial = args[0].units[0].serial;
        log.push(`decide ${serial}`);
        if (serial === watch) reached?.();
        return super.evaluate(...args);
      }
    }
    /** Hands in `bulk`, then `urgent` once the bulk decision has reached `at`. */
    const run = async (
      sequencer: LedgerSequencer,
      bulk: LedgerEventInput[],
      urgent: LedgerEventInput,
      at: string,
    ) => {
      log.length = 0;
      watch = at;
      const midway = new Promise<void>((r) => (reached = r));
      const first = sequencer.sequence(bulk);
      await midway;
      const counter = sequencer.sequence([urgent], { urgent: true });
      return Promise.allSettled([first, counter]);
    };
    const bulk = (tag: string) =>
      Array.from({ length: 100 }, (_, i) => event('ANNOUNCE', `${tag}${i}`));
    const indexOf = (v: LedgerVerdict) => (v.accepted ? v.ledgerIndex : -1);
    const sizeNow = async () =>
      (await pool.query(`SELECT count(*)::int AS n FROM ledger_entries`)).rows[0].n as number;

    // Apart: the counter's batch takes the next index, the bulk batch is decided again after it.
    const apart = new LedgerSequencer(transactions(), new Recording(), () => new Date(), pool);
    let before = await sizeNow();
    const [bulkDone, counterDone] = await run(apart, bulk('CA'), event('ANNOUNCE', 'CU'), 'CA20');
    expect([bulkDone.status, counterDone.status]).toEqual(['fulfilled', 'fulfilled']);
    const bulkVerdicts = (bulkDone as PromiseFulfilledResult<LedgerVerdict[]>).value;
    const [counterVerdict] = (counterDone as PromiseFulfilledResult<LedgerVerdict[]>).value;
    expect(indexOf(counterVerdict)).toBe(before);
    expect(bulkVerdicts.map(indexOf)).toEqual(bulkVerdicts.map((_, i) => before + 1 + i));
    // Stopped at its next yield, before extending the tree, and decided again from the start.
    expect(log.indexOf('decide CU')).toBeGreaterThan(log.indexOf('decide CA20'));
    expect(log.slice(0, log.indexOf('decide CU'))).not.toContain('decide CA24');
    expect(log.lastIndexOf('decide CA0')).toBeGreaterThan(log.indexOf('decide CU'));
    expect(apart.stats.cutIn).toBe(1);

    // In common: the counter's batch needs the bulk batch's effect, and waits for it.
    const together = new LedgerSequencer(transactions(), new Recording(), () => new Date(), pool);
    before = await sizeNow();
    const [, needs] = await run(together, bulk('CB'), event('ARRIVE', 'CB50'), 'CB20');
    expect((needs as PromiseFulfilledResult<LedgerVerdict[]>).value[0]).toMatchObject({
      accepted: true,
      ledgerIndex: before + 100,
    });
    expect(together.stats.cutIn).toBe(0);

    // The counter's batch fails to write after cutting in: the bulk batch behind it is decided
    // again under the lock and written where the counter's batch would have been.
    const failing = new LedgerSequencer(transactions(), new Recording(), () => new Date(), {
      query: async (sql: string, params?: unknown[]) => {
        if (isOneStatementWrite(sql)) throw new Error('injected failure of the counter write');
        return pool.query(sql, params);
      },
    });
    before = await sizeNow();
    const [bulkAfter, failed] = await run(failing, bulk('CC'), event('ANNOUNCE', 'CV'), 'CC20');
    expect([bulkAfter.status, failed.status]).toEqual(['fulfilled', 'rejected']);
    expect(indexOf((bulkAfter as PromiseFulfilledResult<LedgerVerdict[]>).value[0])).toBe(before);
    expect(failing.stats).toMatchObject({ cutIn: 1, redecided: 1 });

    const s = await state();
    expect([s.units.CU, s.units.CA99, s.units.CB50, s.units.CC99]).toEqual([
      'ANNOUNCED',
      'ANNOUNCED',
      'AT_PORT',
      'ANNOUNCED',
    ]);
    expect(s.units.CV).toBeUndefined();
    expect(await auditLedger(pool, [])).toMatchObject({ ok: true });
  });

  it("decides a counter's event on the units as the producer read them, and trusts that read only if the write finds it still so", async () => {
    const statements: string[] = [];
    const sequencer = pipelined(
      transactions(),
      poolWith((sql) => void statements.push(sql)),
    );
    const asRead = async (serial: string) =>
      (await pool.query(`SELECT ${unitAsReadSql(`'${GTIN}'`, '$1')} AS r`, [serial])).rows[0]
        .r as Record<string, unknown>[];
    const urgent = async (e: LedgerEventInput, rows: Record<string, unknown>[]) =>
      (await sequencer.sequence([{ ...e, unitsAsRead: rows }], { urgent: true }))[0];
    const isDecisionRead = (sql: string) => sql.includes('json_agg');
    const announced = ['HA', 'HB', 'HC', 'HD', 'HE'].map((x) => event('ANNOUNCE', x));
    await sequencer.sequence(announced);

    // As read and still so: decided without a read of its own, written in one statement.
    statements.length = 0;
    expect(await urgent(event('ARRIVE', 'HA'), await asRead('HA'))).toMatchObject({
      accepted: true,
    });
    expect(statements.filter(isDecisionRead)).toEqual([]);
    expect(sequencer.stats).toMatchObject({ decidedOnProducerRead: 1, redecided: 0 });

    // Read before the pack moved on: the write finds it moved and the event is decided again.
    const stale = await asRead('HB');
    await sequencer.sequence([event('ARRIVE', 'HB')]);
    expect(await urgent(event('ARRIVE', 'HB'), stale)).toMatchObject({
      accepted: false,
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(sequencer.stats).toMatchObject({ decidedOnProducerRead: 2, redecided: 1 });

    // Not the row (another state, the same last index): the real state decides.
    const [row] = await asRead('HC');
    expect(await urgent(event('ARRIVE', 'HC'), [{ ...row, state: 'DISPENSED' }])).toMatchObject({
      accepted: true,
    });
    expect(sequencer.stats).toMatchObject({ decidedOnProducerRead: 3, redecided: 2 });

    // Said not to exist, but does.
    expect(await urgent(event('ARRIVE', 'HD'), [])).toMatchObject({ accepted: true });
    expect(sequencer.stats).toMatchObject({ decidedOnProducerRead: 4, redecided: 3 });

    // Already in the log: answered as it was, not written twice.
    const once = event('ARRIVE', 'HE');
    const [first] = await sequencer.sequence([once]);
    const entries = (await state()).entries;
    expect(await urgent(once, await asRead('HE'))).toEqual({ ...first, duplicate: true });
    expect((await state()).entries).toBe(entries);
    expect(sequencer.stats).toMatchObject({ decidedOnProducerRead: 5, redecided: 4 });

    // Too many units for one statement: written in a transaction, so decided there on its own
    // read, not on the producer's (which here is wrong: the packs are only announced).
    const many = Array.from({ length: 300 }, (_, i) => `HF${i}`);
    await sequencer.sequence(many.map((x) => event('ANNOUNCE', x)));
    const rows = (
      await pool.query(`SELECT ${unitAsReadSql(`'${GTIN}'`, 'k')} AS r FROM unnest($1::text[]) k`, [
        many,
      ])
    ).rows.map((row) => ({ ...row.r[0], state: 'DISPENSED' }));
    const all = { ...event('ARRIVE', 'HF0'), units: many.map((x) => event('ARRIVE', x).units[0]) };
    expect(await urgent(all, rows)).toMatchObject({ accepted: true });
    expect(sequencer.stats).toMatchObject({ decidedOnProducerRead: 6, redecided: 5 });

    const s = await state();
    expect([s.units.HA, s.units.HB, s.units.HC, s.units.HD, s.units.HE, s.units.HF299]).toEqual(
      Array(6).fill('AT_PORT'),
    );
    expect(await auditLedger(pool, [])).toMatchObject({ ok: true });
  });

  it("writes a counter's batch with a prepared statement, which PostgreSQL plans once", async () => {
    const db = env.cfg.database;
    // One connection, so that its prepared statements can be looked at.
    const single = new Pool({ ...db, max: 1 });
    try {
      const sequencer = pipelined(transactions(), new PreparedWrites(single));
      const serials = Array.from({ length: 12 }, (_, i) => `PW${i}`);
      await sequencer.sequence(serials.map((x) => event('ANNOUNCE', x)));
      for (const serial of serials) {
        const [v] = await sequencer.sequence([event('ARRIVE', serial)], { urgent: true });
        expect(v).toMatchObject({ accepted: true });
      }
      const { rows } = await single.query(
        `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom
           FROM pg_prepared_statements WHERE name LIKE 'ledger_write_%'`,
      );
      // The announcing batch and the twelve counters' batches, each one statement.
      expect(rows.reduce((n, r) => n + r.generic + r.custom, 0)).toBe(13);
      expect(rows.some((r) => r.generic > 0)).toBe(true);
      expect((await state()).units.PW11).toBe('AT_PORT');
    } finally {
      await single.end();
    }
  });

  it('records an event JCS cannot represent as an alert, without blocking its batch', async () => {
    const sequencer = pipelined();
    const unrepresentable = {
      ...event('ANNOUNCE', 'J1'),
      epcis: { type: 'ObjectEvent', quantity: 2 ** 53 + 2 },
    };
    const [bad, good] = await sequencer.sequence([unrepresentable, event('ANNOUNCE', 'J2')]);
    expect(bad).toMatchObject({ accepted: false, code: 'VALIDATION_FAILED' });
    expect(good).toMatchObject({ accepted: true });
    const s = await state();
    expect(s.units.J1).toBeUndefined();
    expect(s.units.J2).toBe('ANNOUNCED');
  });

  it('reads the inputs of a small batch in one statement exactly as the two queries read them', async () => {
    const { rows } = await pool.query(
      `SELECT event_id FROM ledger_entries ORDER BY idx DESC LIMIT 5`,
    );
    const eventIds = [...rows.map((r) => r.event_id as string), 'urn:uuid:never-sequenced'];
    const refs = ['P3', 'P10', 'Q1', 'J2', 'NOT-THERE'].map((serial) => ({ gtin: GTIN, serial }));
    const oneStatement = await readDecisionInputs(pool, eventIds, refs);
    expect(oneStatement.sequenced).toEqual(await findSequenced(pool, eventIds));
    expect(oneStatement.units).toEqual(await loadUnits(pool, refs));
    expect(oneStatement.sequenced.size).toBe(5);
    expect([...oneStatement.units.values()].map((u) => u.serial).sort()).toEqual([
      'J2',
      'P10',
      'P3',
      'Q1',
    ]);
  });

  it('leaves a log the offline audit finds sound', async () => {
    const owner = databaseClient(env.cfg, 'owner');
    await owner.connect();
    try {
      // No checkpoint is signed here: the audit checks entries, leaf hashes and tiles.
      const signer = generateSigner('trace-ledger.test/log');
      const key = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
      expect(await auditLedger(owner, [key])).toMatchObject({ ok: true });
    } finally {
      await owner.end();
    }
  });
});
