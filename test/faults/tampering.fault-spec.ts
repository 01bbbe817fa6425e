import {
  canonicalBytes,
  CompactRange,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
} from '@trace/ledger';
import { TileWriter } from '@trace/ledger-store';
import type { PoolClient } from 'pg';
import { fmt } from './support/fault-log';
import { FaultStack } from './support/fault-stack';
import { GTIN, seedTraffic, submitToLedger, TrafficLoad } from './support/traffic';

/**
 * The table owner (or anyone with its password) turns the append-only triggers off and
 * changes history. The audit (`cli verify`, as an operator runs it) must name the first bad
 * entry; a history rewritten with every hash recomputed must contradict a signed checkpoint.
 */
describe('fault: tampering with the ledger as the table owner', () => {
  let stack: FaultStack | undefined;
  afterAll(() => stack?.destroy());

  it('verify names the first bad entry; a rewritten history contradicts the checkpoints', async () => {
    stack = await FaultStack.create({
      scenario: 'tampering',
      services: ['ingest-api', 'regulator-api', 'ledger-writer'],
    });
    const { log } = stack;
    const fixtures = await seedTraffic(stack, 0);
    const load = new TrafficLoad(stack, fixtures, {
      dispenseClients: 0,
      scansPerRequest: 20,
      pauseMs: 50,
    }).start();
    // Enough history for the positions below (0.4 × size + 300 < size), on a slow machine too.
    await stack.waitFor('enough history', async () => load.acceptedEvents >= 1500, 60_000);
    await load.stop();
    const size = await stack.waitFor('every accepted event in the ledger', async () => {
      const n = await stack!.ledgerSize();
      return n !== null && n >= load.acceptedEvents && n;
    });
    await stack.waitFor('a checkpoint of the whole log', async () => {
      const cp = await stack!.count('SELECT max(tree_size) FROM ledger_checkpoints');
      return cp === size;
    });
    // What a regulator keeps outside the database: the signed checkpoint, and a receipt.
    const vkey = (await stack.http('regulator-api', 'GET', '/v1/ledger/key')).text.trim();
    const heldNote = (await stack.http('regulator-api', 'GET', '/v1/ledger/checkpoint')).text;
    const held = openCheckpoint(heldNote, [parseVerifierKey(vkey)]);
    const admin = stack.bearer('ada', 'REG-1', 'admin');
    const receiptIndex = size - 3;
    const heldReceipt = (
      await stack.http('regulator-api', 'GET', `/v1/ledger/entries/${receiptIndex}/receipt`, {
        token: admin,
      })
    ).body;
    await stack.service('ledger-writer').stop();
    const checkpoints = (
      await stack.owner.query<{ n: string }>(
        'SELECT tree_size AS n FROM ledger_checkpoints ORDER BY 1',
      )
    ).rows.map((r) => Number(r.n));
    log.action(
      `built a log of ${fmt(size)} entries with ${checkpoints.length} signed checkpoints; kept checkpoint ${held.size} and the receipt of entry ${receiptIndex} outside; stopped the ledger-writer`,
    );

    const db: PoolClient = await stack.owner.connect();
    const verify = async (what: string, expected: { index: number; problem: RegExp }) => {
      const res = await stack!.cli('verify');
      const said = res.out.trim().split('\n').pop() ?? '';
      const named = /^FAILED at entry (\d+): (.*)$/m.exec(res.out);
      log.check(
        `${what} → cli verify: "${said}"`,
        res.code === 1 &&
          named !== null &&
          Number(named[1]) === expected.index &&
          expected.problem.test(named[2]),
        `expected exit 1 naming entry ${expected.index} (${expected.problem}); got exit ${res.code}`,
      );
    };
    const verifiesClean = async (after: string) => {
      const res = await stack!.cli('verify');
      log.check(
        `${after}: cli verify is clean`,
        res.code === 0 && /^OK: /m.test(res.out),
        res.out.trim(),
      );
    };
    /** Keeps exact copies of rows (a temp table: same session), puts them back afterwards. */
    const saveRows = (where: string) =>
      db.query(
        `DROP TABLE IF EXISTS saved_rows; CREATE TEMP TABLE saved_rows AS SELECT * FROM ledger_entries WHERE ${where}`,
      );
    const restoreRows = (where: string) =>
      db.query(
        `DELETE FROM ledger_entries WHERE ${where}; INSERT INTO ledger_entries SELECT * FROM saved_rows`,
      );

    try {
      await verifiesClean('before any tampering');
      await db.query('ALTER TABLE ledger_entries DISABLE TRIGGER USER');
      log.action('as the owner: ALTER TABLE ledger_entries DISABLE TRIGGER USER');

      // 1. One byte of one entry.
      const k = Math.floor(size * 0.4);
      await saveRows(`idx = ${k}`);
      await db.query(
        `UPDATE ledger_entries SET entry = set_byte(entry, length(entry) / 2, get_byte(entry, length(entry) / 2) # 1) WHERE idx = $1`,
        [k],
      );
      log.action(`flipped one bit in the middle of entry ${k}`);
      await verify('an edited byte', { index: k, problem: /do not hash to the stored leaf hash/ });
      await restoreRows(`idx = ${k}`);

      // 2. An entry rewritten with its leaf hash recomputed (the stored tree still disagrees).
      const edited = k + 7;
      await saveRows(`idx = ${edited}`);
      const { rows } = await db.query('SELECT entry FROM ledger_entries WHERE idx = $1', [edited]);
      const envelope = JSON.parse(rows[0].entry.toString('utf8'));
      envelope.actor.org = 'SOMEONE-ELSE';
      const forged = canonicalBytes(envelope);
      await db.query(
        'UPDATE ledger_entries SET entry = $2, leaf_hash = $3, actor_org = $4 WHERE idx = $1',
        [edited, forged, leafHash(forged), 'SOMEONE-ELSE'],
      );
      log.action(`rewrote who recorded entry ${edited}, and recomputed its leaf hash`);
      await verify('an entry rewritten with its leaf hash recomputed', {
        index: edited,
        problem: /rewritten with its leaf hash recomputed/,
      });
      await restoreRows(`idx = ${edited}`);

      // 3. A deleted entry.
      const deleted = k + 11;
      await saveRows(`idx = ${deleted}`);
      await db.query('DELETE FROM ledger_entries WHERE idx = $1', [deleted]);
      log.action(`deleted entry ${deleted}`);
      await verify('a deleted entry', { index: deleted, problem: /is missing/ });
      await restoreRows(`idx = ${deleted}`);

      // 4. Two entries swapped (reordered history).
      const a = k + 20;
      const b = k + 300;
      await saveRows(`idx IN (${a}, ${b})`);
      // Through a spare index: the primary key is checked row by row.
      await db.query('UPDATE ledger_entries SET idx = 1000000000000 WHERE idx = $1', [a]);
      await db.query('UPDATE ledger_entries SET idx = $1 WHERE idx = $2', [a, b]);
      await db.query('UPDATE ledger_entries SET idx = $1 WHERE idx = 1000000000000', [b]);
      log.action(`swapped entries ${a} and ${b}`);
      await verify('two entries swapped', { index: a, problem: /moved or swapped/ });
      await restoreRows(`idx IN (${a}, ${b})`);

      // 5. The newest entries deleted, as if they had never been written.
      const tail = size - 50;
      await saveRows(`idx >= ${tail}`);
      await db.query('DELETE FROM ledger_entries WHERE idx >= $1', [tail]);
      log.action(`deleted the last 50 entries (${tail}…${size - 1})`);
      await verify('a deleted tail', { index: tail, problem: /beyond the \d+ stored entries/ });
      await restoreRows(`idx >= ${tail}`);
      await verifiesClean('after putting every row back');

      // 6. History rewritten from `from` on, with every leaf, tile and the tree state
      //    recomputed: self-consistent, but not what was signed.
      const from = Math.floor(size * 0.6);
      const signedAfter = checkpoints.find((cp) => cp > from)!;
      const signedBefore = [...checkpoints].reverse().find((cp) => cp < signedAfter) ?? 0;
      await rewriteHistoryFrom(db, from);
      log.action(
        `rewrote every entry from ${from} on (recorded by SOMEONE-ELSE), recomputed their leaf hashes, all tree tiles and the tree state`,
      );
      await verify('a rewritten, self-consistent history', {
        index: signedBefore,
        problem: new RegExp(
          `history rewritten: the entries \\[${signedBefore}, ${signedAfter}\\) do not produce the root signed in checkpoint ${signedAfter}`,
        ),
      });

      // 7. The ledger-writer, restarted over it, refuses to sign a checkpoint that contradicts
      //    the last one it signed.
      const writer = stack.service('ledger-writer');
      await writer.start();
      await submitToLedger(stack, [
        {
          eventId: `urn:uuid:00000000-0000-4000-8000-${String(Date.now()).padStart(12, '0')}`,
          action: 'ANNOUNCE',
          eventTime: new Date().toISOString(),
          actor: { sub: 'imp', org: 'IMP-1', roles: ['importer'] },
          epcis: { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning' },
          units: [{ gtin: GTIN, serial: 'AFTER-REWRITE', lot: 'L1', expiry: '2029-06-30' }],
        },
      ]);
      const refused = await stack
        .waitFor(
          'the signer to refuse',
          async () => /refusing to sign: tree \d+ is not consistent/.test(writer.recentOutput),
          10_000,
        )
        .then(() => true)
        .catch(() => false);
      const newest = await stack.count('SELECT max(tree_size) FROM ledger_checkpoints');
      log.check(
        `restarted over the rewritten history, the ledger-writer appends but refuses to sign a checkpoint inconsistent with checkpoint ${size}`,
        refused && newest === size,
        `refused: ${refused}; newest checkpoint ${newest}`,
      );
      await writer.stop();

      // 8. The attacker also deletes the checkpoints that contradict the rewrite: nothing
      //    inside the database can tell now, but what a regulator holds outside still does.
      await db.query('ALTER TABLE ledger_checkpoints DISABLE TRIGGER USER');
      await db.query('DELETE FROM ledger_checkpoints WHERE tree_size > $1', [from]);
      log.action(
        `as the owner: deleted every checkpoint after ${from} (${checkpoints.filter((cp) => cp > from).length} of them)`,
      );
      const blind = await stack.cli('verify');
      log.info(
        `cli verify, with only the database to go by: "${blind.out.trim().split('\n').pop()}" (expected: a history rewritten with every hash recomputed is self-consistent)`,
      );
      const now = (await stack.http('regulator-api', 'GET', '/v1/ledger/checkpoint')).text;
      const current = openCheckpoint(now, [parseVerifierKey(vkey)]);
      const currentSize = await stack.count('SELECT tree_size FROM ledger_tree_state');
      const proof = await stack.http(
        'regulator-api',
        'GET',
        `/v1/ledger/proofs/consistency?from=${held.size}&to=${currentSize}`,
        { token: admin },
      );
      const currentRoot = (await stack.owner.query('SELECT root FROM ledger_tree_state')).rows[0]
        .root as Buffer;
      const consistent =
        proof.status === 200 &&
        verifyConsistency(
          held.size,
          currentSize,
          (proof.body.hashes as string[]).map((h) => Buffer.from(h, 'base64')),
          held.root,
          currentRoot,
        );
      log.check(
        `the checkpoint a regulator kept (size ${held.size}) exposes it: no consistency proof leads from it to the log served now (size ${currentSize}); the latest checkpoint served went back to size ${current.size}`,
        !consistent && current.size < held.size,
        `consistent: ${consistent}, served checkpoint ${current.size}`,
      );
      const served = await stack.http(
        'regulator-api',
        'GET',
        `/v1/ledger/entries/${receiptIndex}`,
        { token: admin },
      );
      log.check(
        `the receipt a regulator kept for entry ${receiptIndex} no longer matches the entry served`,
        served.status === 200 && served.body.entry !== heldReceipt.entry,
        `served ${served.status}`,
      );
    } finally {
      db.release();
    }
    log.assertAllPassed();
  });
});

/**
 * What an attacker with the owner's rights does to make a changed history look sound:
 * rewrite the entries, recompute their leaf hashes, every stored tree tile and the tree
 * state, so that entries, tree and root agree with each other again.
 */
async function rewriteHistoryFrom(db: PoolClient, from: number) {
  const { rows } = await db.query<{ idx: string; entry: Buffer }>(
    'SELECT idx, entry FROM ledger_entries WHERE idx >= $1 ORDER BY idx',
    [from],
  );
  const idx: number[] = [];
  const entries: Buffer[] = [];
  const leaves: Buffer[] = [];
  for (const row of rows) {
    const envelope = JSON.parse(row.entry.toString('utf8'));
    envelope.actor.org = 'SOMEONE-ELSE';
    const entry = canonicalBytes(envelope);
    idx.push(Number(row.idx));
    entries.push(entry);
    leaves.push(leafHash(entry));
  }
  await db.query(
    `UPDATE ledger_entries e SET entry = n.entry, leaf_hash = n.leaf, actor_org = 'SOMEONE-ELSE'
       FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS n(idx, entry, leaf)
      WHERE e.idx = n.idx`,
    [idx, entries, leaves],
  );
  const all = await db.query<{ leaf_hash: Buffer }>(
    'SELECT leaf_hash FROM ledger_entries ORDER BY idx',
  );
  const range = new CompactRange();
  const tiles = new TileWriter();
  for (const { leaf_hash } of all.rows) tiles.add(range.append(leaf_hash));
  await db.query('DELETE FROM ledger_tree_tiles');
  await TileWriter.write(db, tiles.take());
  await db.query(
    'UPDATE ledger_tree_state SET tree_size = $1, root = $2, compact_range = $3::bytea[]',
    [range.size, range.root(), range.hashes()],
  );
}
