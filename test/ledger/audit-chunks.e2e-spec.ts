import {
  formatVerifierKey,
  generateSigner,
  NoteVerifier,
  parseVerifierKey,
  signCheckpoint,
} from '@trace/ledger';
import {
  AUDIT_CHUNK,
  auditLedger,
  DomainUnitEventEvaluator,
  LedgerSequencer,
  readTreeState,
} from '@trace/ledger-store';
import type { LedgerEventInput } from '@trace/queue';
import { createTestEnvironment, databaseClient, TestEnvironment } from '@trace/testing';
import { Client, Pool } from 'pg';

const GTIN = '09506000134352';
let n = 0;
const announce = (count: number): LedgerEventInput[] =>
  Array.from({ length: count }, () => {
    const i = n++;
    return {
      eventId: `urn:uuid:audit-${process.pid}-${i}`,
      action: 'ANNOUNCE',
      eventTime: '2026-06-01T10:00:00.000Z',
      actor: { sub: 'imp', org: 'IMP-1', roles: ['importer'] },
      epcis: {
        type: 'ObjectEvent',
        action: 'ADD',
        bizStep: 'commissioning',
        // Nested members named like the envelope's own: the audit reads the top level only.
        'tl:note': { index: 999, eventId: 'not this one' },
      },
      units: [{ gtin: GTIN, serial: `S${i}`, lot: 'L1', expiry: '2028-12-31' }],
    };
  });

/**
 * The audit checks the log in aligned chunks of AUDIT_CHUNK entries (each a perfect subtree)
 * and joins them: through binary COPY in one snapshot when it has a pool, page by page on a
 * single connection otherwise. Both must say the same, across chunk boundaries, with
 * checkpoints at a boundary and inside a chunk.
 */
describe('the chunked audit over more than two chunks', () => {
  let env: TestEnvironment;
  let pool: Pool;
  let client: Client;
  let owner: Client;
  let sequencer: LedgerSequencer;
  let verifier: NoteVerifier;
  const signer = generateSigner('audit.test/log');
  const size = 2 * AUDIT_CHUNK + 517;
  // 2 × AUDIT_CHUNK: a checkpoint at the end of a chunk that joins the one before into one subtree.
  const checkpointSizes = [100, AUDIT_CHUNK, AUDIT_CHUNK + 7, 2 * AUDIT_CHUNK, size];

  const sign = async (at: number) => {
    const { rows } = await owner.query(`SELECT root FROM ledger_checkpoints WHERE tree_size = $1`, [
      at,
    ]);
    if (rows.length > 0) return;
    const state = await readTreeState(pool);
    if (state.size !== at) throw new Error(`log at ${state.size}, not ${at}`);
    await pool.query(`INSERT INTO ledger_checkpoints (tree_size, root, note) VALUES ($1, $2, $3)`, [
      at,
      state.root,
      signCheckpoint({ origin: 'audit.test/log', size: at, root: state.root }, signer),
    ]);
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    pool = new Pool({ ...connection(env, 'app'), max: 4 });
    // Sessions still open when the database is dropped at the end are cut: not a failure.
    pool.on('error', () => undefined);
    client = databaseClient(env.cfg, 'app');
    owner = databaseClient(env.cfg, 'owner');
    await client.connect();
    await owner.connect();
    verifier = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
    sequencer = new LedgerSequencer(async (work) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await work(c);
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      } finally {
        c.release();
      }
    }, new DomainUnitEventEvaluator());
    let at = 0;
    for (const target of checkpointSizes) {
      while (at < target) {
        const count = Math.min(1000, target - at);
        await sequencer.sequence(announce(count));
        at += count;
      }
      await sign(target);
    }
    // Tampering as the owner, with the append-only triggers off.
    for (const table of ['ledger_entries', 'ledger_tree_tiles', 'ledger_checkpoints'])
      await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  }, 120_000);

  afterAll(async () => {
    await owner?.end();
    await client?.end();
    await pool?.end();
    await env?.teardown();
  });

  const both = async () => {
    const viaCopy = await auditLedger(pool, [verifier]);
    const paged = await auditLedger(client, [verifier]);
    expect(paged).toEqual(viaCopy);
    return viaCopy;
  };

  it('verifies the whole log both ways, to the root of the tree state', async () => {
    const state = await readTreeState(pool);
    expect(await both()).toEqual({
      ok: true,
      entries: size,
      checkpoints: checkpointSizes.length,
      root: state.root.toString('base64'),
    });
  });

  it('reports progress chunk by chunk up to the whole log', async () => {
    const seen: number[] = [];
    await auditLedger(pool, [verifier], (done, total) => {
      expect(total).toBe(size);
      seen.push(done);
    });
    expect(seen).toEqual([AUDIT_CHUNK, 2 * AUDIT_CHUNK, size]);
  });

  const tamper = async (sql: string, params: unknown[], undo: string, undoParams: unknown[]) => {
    await owner.query(sql, params);
    try {
      return await both();
    } finally {
      await owner.query(undo, undoParams);
    }
  };

  it('names a changed byte in the second chunk', async () => {
    const k = AUDIT_CHUNK + 3;
    const { rows } = await owner.query('SELECT entry FROM ledger_entries WHERE idx = $1', [k]);
    const changed = Buffer.from(rows[0].entry);
    changed[40] ^= 0x01;
    const set = 'UPDATE ledger_entries SET entry = $1 WHERE idx = $2';
    const report = await tamper(set, [changed, k], set, [rows[0].entry, k]);
    expect(report).toMatchObject({
      ok: false,
      entries: k,
      checkpoints: 2,
      firstProblem: { index: k, problem: 'entry bytes do not hash to the stored leaf hash' },
    });
  });

  it('names the first of two entries swapped across a chunk boundary', async () => {
    const a = AUDIT_CHUNK - 1;
    // Through a free index: the primary key is checked row by row.
    const swap = async () => {
      await owner.query('UPDATE ledger_entries SET idx = 100000000 WHERE idx = $1', [a]);
      await owner.query('UPDATE ledger_entries SET idx = $1 WHERE idx = $2', [a, a + 1]);
      await owner.query('UPDATE ledger_entries SET idx = $1 WHERE idx = 100000000', [a + 1]);
    };
    await swap();
    let report;
    try {
      report = await both();
    } finally {
      await swap();
    }
    expect(report).toMatchObject({
      ok: false,
      entries: a,
      firstProblem: { index: a, problem: expect.stringMatching(/moved or swapped/) },
    });
  });

  it('names a row missing in the last chunk', async () => {
    const k = 2 * AUDIT_CHUNK + 200;
    await owner.query('CREATE TEMP TABLE deleted AS SELECT * FROM ledger_entries WHERE idx = $1', [
      k,
    ]);
    await owner.query('DELETE FROM ledger_entries WHERE idx = $1', [k]);
    try {
      expect((await both()).firstProblem).toEqual({
        index: k,
        problem: `entry ${k} is missing (next stored index is ${k + 1})`,
      });
    } finally {
      await owner.query('INSERT INTO ledger_entries SELECT * FROM deleted');
      await owner.query('DROP TABLE deleted');
    }
    expect(await both()).toMatchObject({ ok: true });
  });

  it('names a wrong stored node above the chunks', async () => {
    // Level 15 holds the node over the first two chunks.
    const level = 15;
    const { rows } = await owner.query(
      'SELECT hashes FROM ledger_tree_tiles WHERE level = $1 AND tile_index = 0',
      [level],
    );
    const forged = Buffer.from(rows[0].hashes);
    forged[0] ^= 1;
    const report = await tamper(
      'UPDATE ledger_tree_tiles SET hashes = $1 WHERE level = $2 AND tile_index = 0',
      [forged, level],
      'UPDATE ledger_tree_tiles SET hashes = $1 WHERE level = $2 AND tile_index = 0',
      [rows[0].hashes, level],
    );
    expect(report.firstProblem).toEqual({
      index: 0,
      problem: `stored tree node ${level}/0 is wrong or missing`,
    });
  });

  it('finds a checkpoint inside a chunk that the entries do not produce', async () => {
    const at = AUDIT_CHUNK + 7;
    const { rows } = await owner.query('SELECT root FROM ledger_checkpoints WHERE tree_size = $1', [
      at,
    ]);
    const wrong = Buffer.alloc(32, 7);
    const note = signCheckpoint({ origin: 'audit.test/log', size: at, root: wrong }, signer);
    const report = await tamper(
      'UPDATE ledger_checkpoints SET root = $1, note = $2 WHERE tree_size = $3',
      [wrong, note, at],
      'UPDATE ledger_checkpoints SET root = $1, note = $2 WHERE tree_size = $3',
      [
        rows[0].root,
        signCheckpoint({ origin: 'audit.test/log', size: at, root: rows[0].root }, signer),
        at,
      ],
    );
    expect(report).toMatchObject({
      ok: false,
      entries: at,
      checkpoints: 2,
      firstProblem: {
        index: AUDIT_CHUNK,
        problem: `history rewritten: the entries [${AUDIT_CHUNK}, ${at}) do not produce the root signed in checkpoint ${at}`,
      },
    });
  });

  it('audits a growing log as it was when the audit began', async () => {
    const growing = (async () => {
      for (let i = 0; i < 5; i++) await sequencer.sequence(announce(200));
    })();
    const report = await auditLedger(pool, [verifier]);
    await growing;
    expect(report.ok).toBe(true);
    expect(report.entries).toBeGreaterThanOrEqual(size);
    // The pool is left usable: no connection stays in a COPY or a transaction.
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });
});

function connection(env: TestEnvironment, login: 'app' | 'owner') {
  const db = env.cfg.database;
  return {
    host: db.host,
    port: db.port,
    database: db.database,
    user: login === 'owner' ? db.ownerUser : db.user,
    password: login === 'owner' ? db.ownerPassword : db.password,
  };
}
