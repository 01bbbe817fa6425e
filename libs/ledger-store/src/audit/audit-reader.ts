import type { ClientBase, Pool, PoolClient } from 'pg';
import { isPgClient } from '../binary-copy';
import { SerialQueue } from '../serial-queue';
import { rowsOf, SqlExecutor } from '../sql-executor';
import { AUDIT_CHUNK, AuditRow, StoredTile, tileRangesOf } from './entry-chunk-verifier';
import { copyEntryChunks } from './entry-copy-stream';

/** Stored entries from index 0 on: AUDIT_CHUNK a chunk (the last may be shorter). */
export interface EntryChunk {
  start: number;
  count: number;
  rows?: AuditRow[];
  /** Binary COPY tuples instead of rows (see parseEntryTuples). */
  copyData?: Uint8Array;
}

/**
 * What the audit reads, all from one snapshot of the database when it can: the entries in
 * chunks, and small reads (tree state, checkpoints, tiles) beside them.
 */
export interface AuditReader {
  db: SqlExecutor;
  nextChunk(): Promise<EntryChunk | null>;
  tiles(start: number, count: number): Promise<StoredTile[]>;
  close(): Promise<void>;
}

/**
 * With a pool (node-postgres Pool or TypeORM DataSource) the entries stream through binary
 * COPY on one connection while a second, in the same exported snapshot, serves the small
 * reads: a log that grows meanwhile is audited as it was when the audit began. On a single
 * connection (a client, a transaction), the entries are read page by page on it.
 */
export async function openAuditReader(db: SqlExecutor): Promise<AuditReader> {
  const pair = await twoConnections(db);
  return pair ? snapshotCopyReader(pair) : pagedReader(db);
}

const ENTRIES = 'SELECT idx, event_id, entry, leaf_hash FROM ledger_entries';

async function readTiles(db: SqlExecutor, start: number, count: number): Promise<StoredTile[]> {
  const ranges = tileRangesOf(start, count);
  if (ranges.length === 0) return [];
  const rows = await rowsOf<{ level: number; tile_index: string; hashes: Buffer }>(
    db,
    `SELECT t.level, t.tile_index, t.hashes
       FROM unnest($1::smallint[], $2::bigint[], $3::bigint[]) AS k(level, lo, hi)
       CROSS JOIN LATERAL (SELECT level, tile_index, hashes FROM ledger_tree_tiles
                            WHERE level = k.level AND tile_index BETWEEN k.lo AND k.hi OFFSET 0) t`,
    [ranges.map((r) => r.level), ranges.map((r) => r.from), ranges.map((r) => r.to)],
  );
  return rows.map((r) => ({ level: r.level, tileIndex: Number(r.tile_index), hashes: r.hashes }));
}

function pagedReader(db: SqlExecutor): AuditReader {
  let after = -1;
  let start = 0;
  let done = false;
  return {
    db,
    async nextChunk() {
      if (done) return null;
      const rows = await rowsOf<{
        idx: string;
        event_id: string;
        entry: Buffer;
        leaf_hash: Buffer;
      }>(db, `${ENTRIES} WHERE idx > $1 ORDER BY idx LIMIT $2`, [after, AUDIT_CHUNK]);
      if (rows.length < AUDIT_CHUNK) done = true;
      if (rows.length === 0) return null;
      after = Number(rows[rows.length - 1].idx);
      const chunk = {
        start,
        count: rows.length,
        rows: rows.map((r) => ({
          idx: Number(r.idx),
          eventId: r.event_id,
          entry: r.entry,
          leafHash: r.leaf_hash,
        })),
      };
      start += rows.length;
      return chunk;
    },
    tiles: (from, count) => readTiles(db, from, count),
    close: async () => undefined,
  };
}

interface ConnectionPair {
  stream: ClientBase;
  reads: ClientBase;
  release(): Promise<void>;
}

/** One query at a time on a connection that several chunks' reads share. */
function oneAtATime(client: ClientBase): SqlExecutor {
  const queue = new SerialQueue();
  return { query: (sql: string, params?: unknown[]) => queue.run(() => client.query(sql, params)) };
}

async function snapshotCopyReader(pair: ConnectionPair): Promise<AuditReader> {
  const { stream } = pair;
  const reads = oneAtATime(pair.reads);
  let iterator: AsyncGenerator<{ start: number; count: number; data: Uint8Array }> | null = null;
  let finished = false;
  try {
    await stream.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The whole table in index order: never a sort of every entry.
    await stream.query('SET LOCAL enable_sort = off');
    const exported = await stream.query<{ snapshot: string; pid: number }>(
      'SELECT pg_export_snapshot() AS snapshot, pg_backend_pid() AS pid',
    );
    const [{ snapshot, pid }] = exported.rows;
    if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`);
    await reads.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await reads.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
    iterator = copyEntryChunks(
      stream,
      `COPY (${ENTRIES} ORDER BY idx) TO STDOUT (FORMAT binary)`,
      AUDIT_CHUNK,
    );
    const it = iterator;
    return {
      db: reads,
      async nextChunk() {
        const next = await it.next();
        if (next.done) {
          finished = true;
          return null;
        }
        const { start, count, data } = next.value;
        return { start, count, copyData: data };
      },
      tiles: (from, count) => readTiles(reads, from, count),
      async close() {
        if (!finished) {
          // Stopped early (a problem found): end the COPY on the server, then drain it.
          await reads.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
          try {
            while (!(await it.next()).done);
          } catch {
            // query_canceled: expected
          }
        }
        await stream.query('ROLLBACK').catch(() => undefined);
        await reads.query('ROLLBACK').catch(() => undefined);
        await pair.release();
      },
    };
  } catch (err) {
    await stream.query('ROLLBACK').catch(() => undefined);
    await reads.query('ROLLBACK').catch(() => undefined);
    await pair.release();
    throw err;
  }
}

/** Two dedicated node-postgres connections from a pool, or null for a single connection. */
async function twoConnections(db: SqlExecutor): Promise<ConnectionPair | null> {
  const candidate = db as Partial<Pool> & {
    createQueryRunner?: () => {
      connect(): Promise<unknown>;
      release(): Promise<void>;
    };
  };
  if (typeof candidate.createQueryRunner === 'function' && 'isInitialized' in candidate) {
    // TypeORM DataSource: query runners hold pooled connections.
    const runners = [candidate.createQueryRunner(), candidate.createQueryRunner()];
    const clients = (await Promise.all(runners.map((r) => r.connect()))) as ClientBase[];
    if (!clients.every(isPgClient)) {
      await Promise.all(runners.map((r) => r.release()));
      return null;
    }
    return {
      stream: clients[0],
      reads: clients[1],
      release: async () => {
        await Promise.all(runners.map((r) => r.release()));
      },
    };
  }
  if (typeof candidate.connect === 'function' && typeof candidate.totalCount === 'number') {
    const pool = candidate as Pool;
    const clients: PoolClient[] = [await pool.connect(), await pool.connect()];
    return {
      stream: clients[0],
      reads: clients[1],
      release: async () => clients.forEach((c) => c.release()),
    };
  }
  return null;
}
