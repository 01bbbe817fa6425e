import { CompactRange, NoteVerifier, openCheckpoint } from '@trace/ledger';
import { AuditReader, openAuditReader } from './audit/audit-reader';
import { ChunkCheckers } from './audit/chunk-checkers';
import {
  AUDIT_CHUNK,
  AUDIT_CHUNK_LEVEL,
  AuditProblem,
  ChunkResult,
} from './audit/entry-chunk-verifier';
import { rowsOf, SqlExecutor } from './sql-executor';
import { nodeKey, readNodes } from './tile-reader';
import { readTreeState } from './tree-state';

export { AUDIT_CHUNK, type AuditProblem } from './audit/entry-chunk-verifier';

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
 *
 * The entries are checked in aligned chunks of AUDIT_CHUNK (each a perfect subtree), in worker
 * threads where it can (ChunkCheckers); here the chunks' results are taken in order, their
 * roots joined into the tree above them and the checkpoints checked, so the report is the one
 * a single pass over the entries would give.
 */
export async function auditLedger(
  db: SqlExecutor,
  verifiers: NoteVerifier[],
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<AuditReport> {
  const reader = await openAuditReader(db);
  const checkers = new ChunkCheckers();
  try {
    return await audit(reader, checkers, verifiers, onProgress);
  } finally {
    await checkers.close();
    await reader.close();
  }
}

async function audit(
  reader: AuditReader,
  checkers: ChunkCheckers,
  verifiers: NoteVerifier[],
  onProgress: (done: number, total: number) => void,
): Promise<AuditReport> {
  const db = reader.db;
  const checkpoints = await rowsOf<{ tree_size: string; root: Buffer; note: string }>(
    db,
    'SELECT tree_size, root, note FROM ledger_checkpoints ORDER BY tree_size',
  );
  const state = await readTreeState(db);
  /** The tree above the chunks: its leaves are the roots of the full chunks so far. */
  const upper = new CompactRange();
  /** The subtrees of the last, partial chunk (none while every chunk so far was full). */
  let tail: Uint8Array[] = [];
  let size = 0;
  let nextCheckpoint = 0;
  const rootAt = (at: number, edge: Uint8Array[]) => {
    if (edge.length === 1 && at === (upper.size + 1) * AUDIT_CHUNK) {
      // A cut at the end of a full chunk not yet joined into the tree above: the chunk's
      // root may merge with the subtrees before it, so it is appended to a copy, not listed.
      const joined = CompactRange.fromHashes(upper.size, upper.hashes());
      joined.append(edge[0]);
      return joined.root();
    }
    return CompactRange.fromHashes(at, [...upper.hashes(), ...edge]).root();
  };
  const fail = (index: number, problem: string): AuditReport => ({
    ok: false,
    entries: size,
    checkpoints: nextCheckpoint,
    root: rootAt(size, tail).toString('base64'),
    firstProblem: { index, problem },
  });
  /**
   * The checkpoints signed at `at` (whose root is `root`): signature and root. A root that
   * differs means the entries between the previous checkpoint and this one were rewritten;
   * an entry edited with its leaf hash recomputed is then named by the stored tree.
   */
  const checkCheckpointsAt = async (
    at: number,
    root: () => Buffer,
  ): Promise<AuditReport | null> => {
    while (
      nextCheckpoint < checkpoints.length &&
      Number(checkpoints[nextCheckpoint].tree_size) === at
    ) {
      const cp = checkpoints[nextCheckpoint];
      try {
        openCheckpoint(cp.note, verifiers);
      } catch (err) {
        return fail(
          Math.max(0, at - 1),
          `checkpoint ${at}: signature not valid (${(err as Error).message})`,
        );
      }
      const computed = root();
      if (
        !computed.equals(cp.root) ||
        !cp.note.includes(`\n${at}\n${computed.toString('base64')}\n`)
      ) {
        const previous = nextCheckpoint > 0 ? Number(checkpoints[nextCheckpoint - 1].tree_size) : 0;
        const report = fail(
          previous,
          `history rewritten: the entries [${previous}, ${at}) do not produce the root signed in checkpoint ${at}`,
        );
        const edited = await firstLeafUnlikeStoredTree(db, previous, at);
        if (edited === null) return report;
        return {
          ...report,
          firstProblem: {
            index: edited,
            problem: `entry rewritten with its leaf hash recomputed: the stored tree holds another leaf, and the entries [${previous}, ${at}) do not produce the root signed in checkpoint ${at}`,
          },
        };
      }
      nextCheckpoint++;
    }
    return null;
  };

  const atZero = await checkCheckpointsAt(0, () => rootAt(0, []));
  if (atZero) return atZero;

  // Chunks are read and checked ahead, their results taken in order.
  const inFlight: Promise<ChunkResult>[] = [];
  const cutSizesOf = (start: number, count: number) =>
    checkpoints.map((c) => Number(c.tree_size)).filter((s) => s > start && s <= start + count);
  const take = async (r: ChunkResult): Promise<AuditReport | null> => {
    for (const cut of r.cuts) {
      size = cut.size;
      tail = cut.edge;
      const problem = await checkCheckpointsAt(cut.size, () => rootAt(cut.size, cut.edge));
      if (problem) return problem;
    }
    size = r.start + r.verified;
    tail = r.edge;
    if (r.entryProblem) return fail(r.entryProblem.index, r.entryProblem.problem);
    if (r.tileProblem) return fail(r.tileProblem.index, r.tileProblem.problem);
    if (r.verified === AUDIT_CHUNK) {
      // Nodes above the chunk (the first created is the chunk's root, checked in the chunk).
      const above = upper
        .append(r.edge[0])
        .slice(1)
        .map((n) => ({ level: n.level + AUDIT_CHUNK_LEVEL, index: n.index, hash: n.hash }));
      tail = [];
      const stored = await readNodes(db, above).catch(() => null);
      for (const node of above) {
        const hash = stored?.get(nodeKey(node));
        if (!hash || !hash.equals(node.hash)) {
          return fail(
            node.index * 2 ** node.level,
            `stored tree node ${node.level}/${node.index} is wrong or missing`,
          );
        }
      }
    }
    onProgress(size, state.size);
    return null;
  };
  for (;;) {
    const chunk = await reader.nextChunk();
    if (chunk) {
      const cutSizes = cutSizesOf(chunk.start, chunk.count);
      inFlight.push(
        reader
          .tiles(chunk.start, chunk.count)
          .then((tiles) => checkers.check({ ...chunk, tiles, cutSizes })),
      );
      // Unhandled until taken: a failure surfaces when its turn comes.
      inFlight[inFlight.length - 1].catch(() => undefined);
    }
    if (inFlight.length === 0) break;
    if (chunk && inFlight.length < checkers.parallelism + 1) continue;
    const problem = await take(await inFlight.shift()!);
    if (problem) return problem;
  }

  if (nextCheckpoint < checkpoints.length) {
    return fail(
      size,
      `checkpoint ${checkpoints[nextCheckpoint].tree_size} is beyond the ${size} stored entries`,
    );
  }
  const root = rootAt(size, tail);
  if (state.size !== size || !state.root.equals(root)) {
    return fail(
      Math.min(state.size, size),
      `tree state (size ${state.size}) disagrees with the entries`,
    );
  }
  return {
    ok: true,
    entries: size,
    checkpoints: checkpoints.length,
    root: root.toString('base64'),
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
