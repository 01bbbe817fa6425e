import type { FaultStack } from './fault-stack';

export interface OpenBatch {
  /** Backend of the writer's batch transaction. */
  pid: number;
  xid: string;
}

/**
 * A batch being written: a transaction holding the tree-state row lock (only the sequencer's
 * write takes it) that has written or locked something (an xid). Killing the writer now is
 * killing it mid-batch; pg_xact_status(xid) later says whether that batch rolled back.
 */
export async function waitForOpenBatch(
  stack: FaultStack,
  timeoutMs = 15_000,
): Promise<OpenBatch | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const { rows } = await stack.owner.query<{ pid: number; xid: string }>(
        `SELECT a.pid, a.backend_xid::text AS xid
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'relation' AND l.relation = 'ledger_tree_state'::regclass
            AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND a.backend_xid IS NOT NULL
          LIMIT 1`,
      );
      if (rows.length) return rows[0];
    } catch {
      // the database is restarting
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return null;
}

/** What became of a batch transaction: committed, aborted, or still in progress. */
export async function batchOutcome(stack: FaultStack, xid: string): Promise<string> {
  const { rows } = await stack.owner.query<{ status: string }>(
    'SELECT pg_xact_status($1::text::xid8) AS status',
    [xid],
  );
  return rows[0].status;
}

/** Whether this ledger-writer instance says it holds the leader lock (`ledger_leader 1`). */
export async function isLeader(stack: FaultStack, instance: string): Promise<boolean | null> {
  try {
    const res = await stack.http(instance, 'GET', '/metrics', { timeoutMs: 5000 });
    const m = /^\w*ledger_leader(?:\{[^}]*\})? (\d)/m.exec(res.text);
    return m ? m[1] === '1' : null;
  } catch {
    return null;
  }
}
