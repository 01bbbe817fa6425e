import { getQueueToken } from '@nestjs/bullmq';
import {
  LEDGER_INTERACTIVE_QUEUE,
  LEDGER_QUEUE,
  LedgerQueueClient,
  LedgerEventInput,
  LedgerVerdict,
} from '@trace/queue';
import type { Queue } from 'bullmq';
import {
  auditLedger,
  DomainUnitEventEvaluator,
  LedgerReader,
  LedgerSequencer,
  SqlExecutor,
} from '@trace/ledger-store';
import { canonicalBytes, leafHash, parseVerifierKey, verifyReceiptJson } from '@trace/ledger';
import {
  ChildService,
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { CheckpointSignerService } from '../../apps/ledger-writer/src/checkpoints/checkpoint-signer.service';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import { REGULATOR_API_HTTP } from '../../apps/regulator-api/src/http-options';
import { RegulatorApiModule } from '../../apps/regulator-api/src/regulator-api.module';

const GTIN = '09506000134352';
const importer = { sub: 'imp-1', org: 'IMP-1', roles: ['importer'] };
let eventCounter = 0;
const event = (
  action: string,
  serials: string[],
  extra: Partial<LedgerEventInput> = {},
): LedgerEventInput => ({
  eventId: `urn:uuid:test-${process.pid}-${++eventCounter}`,
  action,
  eventTime: '2026-06-01T10:00:00.000Z',
  actor: importer,
  epcis: { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning' },
  units: serials.map((serial) => ({ gtin: GTIN, serial, lot: 'L1', expiry: '2028-12-31' })),
  ...extra,
});
const announce = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => event('ANNOUNCE', [`${prefix}${i}`]));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  ms = 20000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An independent reading of a C2SP signed note and checkpoint, written from the spec rather
 * than from libs/ledger, so that a shared misunderstanding cannot pass unnoticed.
 */
function independentlyVerifyCheckpoint(note: string, vkey: string) {
  const [name, idHex, keyB64] = [
    vkey.slice(0, vkey.indexOf('+')),
    vkey.split('+')[1],
    vkey.split('+').slice(2).join('+'),
  ];
  const raw = Buffer.from(keyB64, 'base64');
  expect(raw[0]).toBe(1);
  const pub = raw.subarray(1);
  const id = createHash('sha256')
    .update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([1]), pub]))
    .digest()
    .subarray(0, 4);
  expect(id.toString('hex')).toBe(idHex);
  const [body, sigs] = [
    note.slice(0, note.lastIndexOf('\n\n') + 1),
    note.slice(note.lastIndexOf('\n\n') + 2),
  ];
  const line = sigs.split('\n').find((l) => l.startsWith(`\u2014 ${name} `))!;
  const sig = Buffer.from(line.split(' ')[2], 'base64');
  expect(sig.subarray(0, 4).equals(id)).toBe(true);
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]),
    format: 'der',
    type: 'spki',
  });
  expect(verify(null, Buffer.from(body), key, sig.subarray(4))).toBe(true);
  const [origin, size, root] = body.split('\n');
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

/** RFC 9162 MTH, also written independently. */
function mth(leaves: Buffer[]): Buffer {
  const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('the ledger sequencer against PostgreSQL and Redis', () => {
  let env: TestEnvironment;
  let writer: TestApp;
  let regulator: TestApp;
  let ledger: LedgerQueueClient;
  let owner: Client;
  let vkey: string;

  beforeAll(async () => {
    env = await createTestEnvironment({
      LEDGER_CHECKPOINT_INTERVAL_MS: '200',
      LEDGER_BATCH_MAX_WAIT_MS: '5',
    });
    writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    regulator = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    ledger = regulator.app.get(LedgerQueueClient);
    owner = databaseClient(env.cfg, 'owner');
    await owner.connect();
    vkey = (await regulator.http.get('/v1/ledger/key').expect(200)).text.trim();
  });

  afterAll(async () => {
    await owner?.end();
    await regulator?.close();
    await writer?.close();
    await env?.teardown();
  });

  const count = async () =>
    Number((await owner.query('SELECT count(*) AS n FROM ledger_entries')).rows[0].n);
  const audit = () => auditLedger(owner, [parseVerifierKey(vkey)]);

  it('sequences events, answers each with its index after commit, and projects the units', async () => {
    const verdicts = await ledger.submitAndWait(announce(20, 'A'), 15000);
    expect(verdicts.every((v) => v.accepted)).toBe(true);
    const indexes = verdicts
      .map((v) => (v as { ledgerIndex: number }).ledgerIndex)
      .sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const { rows } = await owner.query(
      `SELECT state, custodian_org FROM units WHERE gtin = $1 AND serial = 'A3'`,
      [GTIN],
    );
    expect(rows[0]).toEqual({ state: 'ANNOUNCED', custodian_org: 'IMP-1' });
    const stock = await owner.query(
      `SELECT units FROM stock_counts WHERE custodian_org = 'IMP-1' AND state = 'ANNOUNCED'`,
    );
    expect(stock.rows[0].units).toBe(20);
  });

  it('is exactly-once in effect: a redelivered event gets its first verdict and adds nothing', async () => {
    const events = announce(3, 'B');
    const first = await ledger.submitAndWait(events, 15000);
    const before = await count();
    // Reordered, so BullMQ sees a new job: the database's unique event id is the guard.
    const again = await ledger.submitAndWait([...events].reverse(), 15000);
    again.reverse();
    expect(again.map((v) => ({ ...v, duplicate: undefined }))).toEqual(
      first.map((v) => ({ ...v, duplicate: undefined })),
    );
    expect(again.every((v) => v.duplicate)).toBe(true);
    expect(await count()).toBe(before);
  });

  it('records refused events as alert entries, and events in one batch see each other', async () => {
    const unknown = event('ARRIVE', ['NOPE']);
    const arrive = event('ARRIVE', ['A1']);
    const arriveAgain = event('ARRIVE', ['A1']);
    const verdicts: LedgerVerdict[] = await ledger.submitAndWait(
      [unknown, arrive, arriveAgain],
      15000,
    );
    expect(verdicts[0]).toMatchObject({ accepted: false, code: 'UNKNOWN_SERIAL' });
    expect(verdicts[1]).toMatchObject({ accepted: true });
    expect(verdicts[2]).toMatchObject({ accepted: false, code: 'INVALID_STATE_TRANSITION' });
    const alert = await owner.query(
      `SELECT entry_type, refusal_code FROM ledger_entries WHERE event_id = $1`,
      [unknown.eventId],
    );
    expect(alert.rows[0]).toEqual({ entry_type: 'alert', refusal_code: 'UNKNOWN_SERIAL' });
    const unit = await owner.query(`SELECT state FROM units WHERE serial = 'A1'`);
    expect(unit.rows[0].state).toBe('AT_PORT');
  });

  it('answers an interactive event from its own queue while bulk jobs wait in theirs', async () => {
    const bulkQueue = regulator.app.get<Queue>(getQueueToken(LEDGER_QUEUE));
    const interactiveQueue = regulator.app.get<Queue>(getQueueToken(LEDGER_INTERACTIVE_QUEUE));
    const backlog = announce(30, 'Q');
    const sequenced = async () =>
      Number(
        (
          await owner.query('SELECT count(*) AS n FROM ledger_entries WHERE event_id = ANY($1)', [
            backlog.map((e) => e.eventId),
          ])
        ).rows[0].n,
      );
    // The bulk queue held: its jobs wait, as behind a long backlog.
    await bulkQueue.pause();
    let urgent: LedgerVerdict;
    try {
      await ledger.submit(backlog);
      const urgentEvent = event('ANNOUNCE', ['QU']);
      [urgent] = await ledger.submitAndWait([urgentEvent], 15000, { interactive: true });
      expect(urgent).toMatchObject({ accepted: true });
      expect(await sequenced()).toBe(0);
      const jobs = await interactiveQueue.getJobs(['completed']);
      expect(jobs.map((j) => j.data.events[0].eventId)).toContain(urgentEvent.eventId);
    } finally {
      await bulkQueue.resume();
    }
    await waitFor('the bulk backlog', async () => (await sequenced()) === backlog.length);
    const first = await owner.query(
      'SELECT min(idx)::int AS i FROM ledger_entries WHERE event_id = ANY($1)',
      [backlog.map((e) => e.eventId)],
    );
    expect(first.rows[0].i).toBeGreaterThan((urgent as { ledgerIndex: number }).ledgerIndex);
  });

  it('signs checkpoints that an independent note verifier accepts, over the root of the stored entries', async () => {
    const size = await count();
    const note = await waitFor('a checkpoint of the whole log', async () => {
      const res = await regulator.http.get('/v1/ledger/checkpoint');
      return res.status === 200 && res.text.includes(`\n${size}\n`) ? res.text : null;
    });
    const cp = independentlyVerifyCheckpoint(note, vkey);
    expect(cp.origin).toBe(env.cfg.ledger.origin);
    const { rows } = await owner.query('SELECT entry FROM ledger_entries ORDER BY idx');
    const leaves = rows.map((r: { entry: Buffer }) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), r.entry]))
        .digest(),
    );
    expect(cp.root.equals(mth(leaves))).toBe(true);
  });

  it('hands out receipts that verify offline, and proofs per api.md', async () => {
    const admin = regulator.bearer('ada', 'REG', 'admin');
    const receipt = await regulator.http
      .get('/v1/ledger/entries/3/receipt')
      .set('Authorization', admin)
      .expect(200);
    expect(verifyReceiptJson(receipt.body, [parseVerifierKey(vkey)]).index).toBe(3);
    const text = await regulator.http
      .get('/v1/ledger/entries/3/receipt')
      .set('Authorization', admin)
      .set('Accept', 'text/x.tlog-proof')
      .expect(200);
    expect(text.text.startsWith('c2sp.org/tlog-proof@v1\nindex 3\n')).toBe(true);
    const size = await count();
    const proof = await regulator.http
      .get(`/v1/ledger/proofs/consistency?from=5&to=${size}`)
      .set('Authorization', admin)
      .expect(200);
    expect(proof.body.hashes.length).toBeGreaterThan(0);
    await regulator.http
      .get(`/v1/ledger/proofs/inclusion?index=${size}&treeSize=${size}`)
      .set('Authorization', admin)
      .expect(400);
    await regulator.http.get('/v1/ledger/entries/3').expect(401);
    const entry = await regulator.http
      .get('/v1/ledger/entries/3')
      .set('Authorization', admin)
      .expect(200);
    expect(JSON.parse(Buffer.from(entry.body.entry, 'base64').toString()).index).toBe(3);
  });

  describe('tampering by the table owner (triggers disabled) is caught by the audit', () => {
    beforeAll(() => owner.query('ALTER TABLE ledger_entries DISABLE TRIGGER USER'));
    afterAll(async () => {
      await owner.query(
        'ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_no_change',
      );
      await owner.query(
        'ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_no_truncate',
      );
    });

    it('is clean before', async () => {
      expect(await audit()).toMatchObject({ ok: true });
    });

    it('a changed entry byte names that entry', async () => {
      const { rows } = await owner.query('SELECT entry FROM ledger_entries WHERE idx = 7');
      const changed = Buffer.from(rows[0].entry);
      changed[changed.length - 2] ^= 1;
      await owner.query('UPDATE ledger_entries SET entry = $1 WHERE idx = 7', [changed]);
      try {
        expect((await audit()).firstProblem?.index).toBe(7);
      } finally {
        await owner.query('UPDATE ledger_entries SET entry = $1 WHERE idx = 7', [rows[0].entry]);
      }
    });

    it('an entry rewritten with its leaf hash recomputed names that entry, not the checkpoint range', async () => {
      const { rows } = await owner.query(
        'SELECT entry, leaf_hash FROM ledger_entries WHERE idx = 9',
      );
      const envelope = JSON.parse(rows[0].entry.toString('utf8'));
      envelope.actor.org = 'SOMEONE-ELSE';
      const forged = canonicalBytes(envelope);
      await owner.query('UPDATE ledger_entries SET entry = $1, leaf_hash = $2 WHERE idx = 9', [
        forged,
        leafHash(forged),
      ]);
      try {
        expect((await audit()).firstProblem).toMatchObject({
          index: 9,
          problem: expect.stringMatching(/rewritten with its leaf hash recomputed/),
        });
      } finally {
        await owner.query('UPDATE ledger_entries SET entry = $1, leaf_hash = $2 WHERE idx = 9', [
          rows[0].entry,
          rows[0].leaf_hash,
        ]);
      }
    });

    it('a deleted row names the missing index', async () => {
      const { rows } = await owner.query('SELECT * FROM ledger_entries WHERE idx = 5');
      await owner.query('DELETE FROM ledger_entries WHERE idx = 5');
      try {
        expect((await audit()).firstProblem).toMatchObject({
          index: 5,
          problem: expect.stringMatching(/missing/),
        });
      } finally {
        const r = rows[0];
        await owner.query(
          `INSERT INTO ledger_entries (idx, event_id, entry_type, action, refusal_code, event_time, recorded_at, actor_org, entry, leaf_hash)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
          [
            r.idx,
            r.event_id,
            r.entry_type,
            r.action,
            r.refusal_code,
            r.event_time,
            r.recorded_at,
            r.actor_org,
            r.entry,
            r.leaf_hash,
          ],
        );
      }
    });

    it('two swapped rows name the first', async () => {
      const swap = async () => {
        await owner.query('UPDATE ledger_entries SET idx = 1000000 WHERE idx = 3');
        await owner.query('UPDATE ledger_entries SET idx = 3 WHERE idx = 4');
        await owner.query('UPDATE ledger_entries SET idx = 4 WHERE idx = 1000000');
      };
      await swap();
      try {
        expect((await audit()).firstProblem?.index).toBe(3);
      } finally {
        await swap();
      }
      expect(await audit()).toMatchObject({ ok: true });
    });
  });

  it('a second ledger-writer waits as standby and takes over when the leader stops: one log, no fork', async () => {
    const standby = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const first = await ledger.submitAndWait(announce(50, 'C'), 15000);
      expect(first.every((v) => v.accepted)).toBe(true);
      await writer.close();
      const second = await ledger.submitAndWait(announce(50, 'D'), 20000);
      expect(second.every((v) => v.accepted)).toBe(true);
      const reader = new LedgerReader(owner);
      expect(await reader.size()).toBe(await count());
      expect(await audit()).toMatchObject({ ok: true });
    } finally {
      writer = standby;
    }
  });

  it('kill -9 of the ledger-writer mid-batch loses nothing and duplicates nothing', async () => {
    await writer.close();
    const child = () =>
      ChildService.start('ledger-writer', {
        LEDGER_WRITER_PORT: String(3900 + Number(process.env.JEST_WORKER_ID ?? 0)),
        LOG_LEVEL: 'warn',
      });
    let running = child();
    await running.waitForOutput(/listening/);
    const before = await count();
    const events = announce(3000, 'K');
    // Many small jobs, so that the kill lands between and inside batches.
    for (let i = 0; i < events.length; i += 100) await ledger.submit(events.slice(i, i + 100));
    await waitFor('some progress', async () => (await count()) > before + 100).catch((err) => {
      throw new Error(`${err.message}; ledger-writer said:\n${running.output.join('')}`);
    });
    await running.kill('SIGKILL');
    const atKill = await count();
    expect(atKill).toBeLessThan(before + events.length);
    running = child();
    try {
      await waitFor(
        'every event sequenced',
        async () => (await count()) === before + events.length,
        90000,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(await count()).toBe(before + events.length);
      const dup = await owner.query(`SELECT count(DISTINCT event_id) AS n FROM ledger_entries`);
      expect(Number(dup.rows[0].n)).toBe(before + events.length);
      expect(await audit()).toMatchObject({ ok: true });
    } finally {
      await running.kill('SIGTERM');
    }
  }, 120_000);

  describe('the CLI, as an operator runs it', () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((done) => {
        execFile(
          process.execPath,
          [resolve(__dirname, '../../dist/apps/cli/apps/cli/src/main.js'), ...args],
          { env: process.env, cwd: resolve(__dirname, '../..') },
          (err, stdout, stderr) =>
            done({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        );
      });
    const dump = async () => ({
      units: (await owner.query('SELECT * FROM units ORDER BY gtin, serial')).rows,
      unitEvents: (await owner.query('SELECT * FROM unit_events ORDER BY gtin, serial, idx')).rows,
      stock: (await owner.query('SELECT * FROM stock_counts ORDER BY 1, 2, 3, 4, 5')).rows,
      approvals: (await owner.query('SELECT approval_no, used FROM approvals ORDER BY 1')).rows,
    });

    it('verify reports the whole log sound', async () => {
      const res = await cli('verify');
      expect(res.out).toMatch(/^OK: \d+ entries and \d+ checkpoints verified/m);
      expect(res.code).toBe(0);
    });

    it('verify-receipt checks a receipt without a database, and refuses a forged one', async () => {
      const admin = regulator.bearer('ada', 'REG', 'admin');
      const receipt = (
        await regulator.http.get('/v1/ledger/entries/2/receipt').set('Authorization', admin)
      ).body;
      const dir = mkdtempSync(join(tmpdir(), 'receipt-'));
      writeFileSync(join(dir, 'good.json'), JSON.stringify(receipt));
      const forged = { ...receipt, entry: Buffer.from('{"forged":true}').toString('base64') };
      writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
      const good = await cli('verify-receipt', join(dir, 'good.json'), '--key', vkey);
      expect(good).toMatchObject({ code: 0, out: expect.stringMatching(/^OK: entry 2 /) });
      const bad = await cli('verify-receipt', join(dir, 'forged.json'), '--key', vkey);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/^FAILED/);
    });

    it('rebuild-projections replays the ledger into exactly the same projections', async () => {
      const before = await dump();
      expect(before.units.length).toBeGreaterThan(3000);
      await owner.query('DELETE FROM units WHERE serial LIKE $1', ['K1%']); // damage them first
      const res = await cli('rebuild-projections');
      expect(res.out).toMatch(/Projections rebuilt from \d+ entries/);
      expect(res.code).toBe(0);
      expect(await dump()).toEqual(before);
    });
  });

  it('the signer refuses to sign a root inconsistent with its last checkpoint', async () => {
    // No writer runs now: grow the log with a sequencer of our own, then falsify the head.
    const tx = async <T>(work: (db: SqlExecutor) => Promise<T>) => {
      await owner.query('BEGIN');
      try {
        const result = await work(owner);
        await owner.query('COMMIT');
        return result;
      } catch (err) {
        await owner.query('ROLLBACK');
        throw err;
      }
    };
    const signer = new CheckpointSignerService(env.cfg, owner as never);
    await signer.signIfGrown();
    await new LedgerSequencer(tx, new DomainUnitEventEvaluator()).sequence(announce(5, 'Z'));
    const { rows } = await owner.query('SELECT root FROM ledger_tree_state');
    await owner.query('UPDATE ledger_tree_state SET root = $1', [
      createHash('sha256').update('forged').digest(),
    ]);
    try {
      await expect(signer.signIfGrown()).rejects.toThrow(/not consistent with checkpoint/);
    } finally {
      await owner.query('UPDATE ledger_tree_state SET root = $1', [rows[0].root]);
    }
    expect(await signer.signIfGrown()).toBe(await count());
  });
});
