import { CompactRange, leafHash, NoteVerifier, openCheckpoint } from '@trace/ledger';
import { rowsOf, SqlExecutor } from './sql-executor';
import { nodeKey, readNodes } from './tile-reader';
import { readTreeState } from './tree-state';

export interface AuditProblem {
  /** The first entry found wrong (or the first index of a range that cannot be narrowed). */
  index: number;
  problem: string;
}

export interface AuditReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  root: string;
  firstProblem?: AuditProblem;
}

const PAGE = 5000;

/**
 * Full offline audit of the stored log: every entry's bytes against its leaf hash and its own
 * stated index and event id, index continuity, every stored tree node against the recomputed
 * tree, the root at every checkpoint against the checkpoint, every checkpoint's signature,
 * and the tree-state row. Stops at the first problem and names the entry.
 */
export async function auditLedger(
  db: SqlExecutor,
  verifiers: NoteVerifier[],
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<AuditReport> {
  const state = await readTreeState(db);
  const [{ n }] = await rowsOf<{ n: string }>(db, 'SELECT count(*) AS n FROM ledger_entries');
  const total = Math.max(Number(n), state.size);
  const checkpoints = await rowsOf<{ tree_size: string; root: Buffer; note: string }>(
    db,
    'SELECT tree_size, root, note FROM ledger_checkpoints ORDER BY tree_size',
  );
  const range = new CompactRange();
  let nextCheckpoint = 0;
  const fail = (index: number, problem: string): AuditReport => ({
    ok: false,
    entries: range.size,
    checkpoints: nextCheckpoint,
    root: range.root().toString('base64'),
    firstProblem: { index, problem },
  });
  /** Set when the entries do not produce the root signed at `to`. */
  let rewritten: { from: number; to: number } | null = null;
  /**
   * Names, within a rewritten range, the first entry whose leaf hash is not the one the stored
   * tree still holds (an entry edited with its hash recomputed). If the tree was rewritten
   * too, only the range between two checkpoints is known.
   */
  const narrowRewrite = async (report: AuditReport): Promise<AuditReport> => {
    if (!rewritten) return report;
    const edited = await firstLeafUnlikeStoredTree(db, rewritten.from, rewritten.to);
    if (edited === null) return report;
    return {
      ...report,
      firstProblem: {
        index: edited,
        problem: `entry rewritten with its leaf hash recomputed: the stored tree holds another leaf, and the entries [${rewritten.from}, ${rewritten.to}) do not produce the root signed in checkpoint ${rewritten.to}`,
      },
    };
  };
  const checkCheckpointsAt = (size: number): AuditReport | null => {
    while (
      nextCheckpoint < checkpoints.length &&
      Number(checkpoints[nextCheckpoint].tree_size) === size
    ) {
      const cp = checkpoints[nextCheckpoint];
      try {
        openCheckpoint(cp.note, verifiers);
      } catch (err) {
        return fail(
          Math.max(0, size - 1),
          `checkpoint ${size}: signature not valid (${(err as Error).message})`,
        );
      }
      const root = range.root();
      if (!root.equals(cp.root) || !cp.note.includes(`\n${size}\n${root.toString('base64')}\n`)) {
        const previous = nextCheckpoint > 0 ? Number(checkpoints[nextCheckpoint - 1].tree_size) : 0;
        rewritten = { from: previous, to: size };
        return fail(
          previous,
          `history rewritten: the entries [${previous}, ${size}) do not produce the root signed in checkpoint ${size}`,
        );
      }
      nextCheckpoint++;
    }
    return null;
  };

  const atZero = checkCheckpointsAt(0);
  if (atZero) return atZero;
  let after = -1;
  for (;;) {
    const rows = await rowsOf<{ idx: string; event_id: string; entry: Buffer; leaf_hash: Buffer }>(
      db,
      'SELECT idx, event_id, entry, leaf_hash FROM ledger_entries WHERE idx > $1 ORDER BY idx LIMIT $2',
      [after, PAGE],
    );
    if (rows.length === 0) break;
    const created: { level: number; index: number; hash: Buffer }[] = [];
    for (const row of rows) {
      const index = Number(row.idx);
      const expected = range.size;
      if (index !== expected)
        return fail(expected, `entry ${expected} is missing (next stored index is ${index})`);
      const leaf = leafHash(row.entry);
      if (!leaf.equals(row.leaf_hash))
        return fail(index, `entry bytes do not hash to the stored leaf hash`);
      let envelope: { index?: unknown; eventId?: unknown };
      try {
        envelope = JSON.parse(row.entry.toString('utf8'));
      } catch {
        return fail(index, 'entry bytes are not JSON');
      }
      if (envelope.index !== index) {
        return fail(index, `entry states index ${String(envelope.index)}: moved or swapped`);
      }
      if (envelope.eventId !== row.event_id) {
        return fail(
          index,
          `entry states event ${String(envelope.eventId)} but the row says ${row.event_id}`,
        );
      }
      created.push(...range.append(leaf));
      const cp = checkCheckpointsAt(range.size);
      if (cp) return narrowRewrite(cp);
    }
    // Stored tree nodes serve proofs: they must be the tree the entries make.
    const stored = await readNodes(db, created).catch(() => null);
    for (const node of created) {
      const hash = stored?.get(nodeKey(node));
      if (!hash || !hash.equals(node.hash)) {
        return fail(
          node.index * 2 ** node.level,
          `stored tree node ${node.level}/${node.index} is wrong or missing`,
        );
      }
    }
    after = Number(rows[rows.length - 1].idx);
    onProgress(range.size, total);
  }
  if (nextCheckpoint < checkpoints.length) {
    return fail(
      range.size,
      `checkpoint ${checkpoints[nextCheckpoint].tree_size} is beyond the ${range.size} stored entries`,
    );
  }
  if (state.size !== range.size || !state.root.equals(range.root())) {
    return fail(
      Math.min(state.size, range.size),
      `tree state (size ${state.size}) disagrees with the entries`,
    );
  }
  return {
    ok: true,
    entries: range.size,
    checkpoints: checkpoints.length,
    root: range.root().toString('base64'),
  };
}

/** The first entry of [from, to) whose stored leaf hash differs from the stored tree's leaf. */
async function firstLeafUnlikeStoredTree(
  db: SqlExecutor,
  from: number,
  to: number,
): Promise<number | null> {
  for (let start = from; start < to; start += PAGE) {
    const rows = await rowsOf<{ idx: string; leaf_hash: Buffer }>(
      db,
      'SELECT idx, leaf_hash FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, Math.min(to, start + PAGE)],
    );
    const leaves = rows.map((r) => ({ level: 0, index: Number(r.idx) }));
    const stored = await readNodes(db, leaves).catch(() => null);
    if (!stored) return null;
    for (const row of rows) {
      const held = stored.get(nodeKey({ level: 0, index: Number(row.idx) }));
      if (held && !held.equals(row.leaf_hash)) return Number(row.idx);
    }
  }
  return null;
}
