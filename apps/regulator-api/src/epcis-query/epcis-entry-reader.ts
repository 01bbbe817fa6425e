import { rowsOf, SqlExecutor } from '@trace/ledger-store';
import type { EpcisQuery } from './epcis-query-parameters';
import type { OrderKey, QueryPlan } from './epcis-query-plan';
import type { PageCursor } from './page-token';

/** One ledger entry of an `event` type in page order, with its cursor position. */
export interface CandidateEntry {
  idx: number;
  /** The ordering time as ISO 8601 UTC with microseconds (what a cursor resumes after). */
  key?: string;
  entry: Buffer;
}

export interface CandidateBatch {
  /** Entries meeting the SQL conditions, in page order, at most the limit asked for. */
  entries: CandidateEntry[];
  /**
   * Set when a scan window ended before the ledger did and fewer entries than asked for
   * were found: everything up to here was looked at, so the next page starts after it.
   */
  windowEnd?: PageCursor;
}

/** Entries a scan looks at per page at most, whatever the filters keep of them. */
export const SCAN_WINDOW = 5000;

/**
 * Whether an entry's event has a quantity list (quantityList, childQuantityList,
 * inputQuantityList, outputQuantityList), as RFC 8785 writes the member: the predicate of the
 * partial index ledger_entries_quantity_idx, written here exactly as there so that the
 * planner uses it.
 */
export const QUANTITY_ENTRY_PREDICATE = (a: string) =>
  `(position('"quantityList":['::bytea IN ${a}.entry) > 0 OR position('QuantityList":['::bytea IN ${a}.entry) > 0)`;

const ORDER_COLUMN: Record<Exclude<OrderKey, 'ledger'>, string> = {
  eventTime: 'event_time',
  recordTime: 'recorded_at',
};

class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/**
 * The SQL half of the EPCIS query: candidate entries of a plan, after a cursor, in order,
 * with every condition that needs no decoding (times, event ids, snapshot, substrings).
 * Each statement is bounded: an index lookup per candidate, or a window of SCAN_WINDOW
 * entries of the ordering index; entries are never decoded here.
 */
export class EpcisEntryReader {
  constructor(private readonly db: SqlExecutor) {}

  async ledgerSize(): Promise<number> {
    const [row] = await rowsOf<{ tree_size: string }>(
      this.db,
      'SELECT tree_size FROM ledger_tree_state WHERE id = 1',
    );
    return Number(row?.tree_size ?? 0);
  }

  async eventById(eventId: string): Promise<CandidateEntry | null> {
    const [row] = await rowsOf<{ idx: string; entry: Buffer }>(
      this.db,
      `SELECT idx, entry FROM ledger_entries WHERE event_id = $1 AND entry_type = 'event'`,
      [eventId],
    );
    return row ? { idx: Number(row.idx), entry: row.entry } : null;
  }

  /** The @context of EPCIS documents captured through ingest-api, by capture id. */
  async captureContexts(captureIds: string[]): Promise<Map<string, unknown>> {
    if (captureIds.length === 0) return new Map();
    const rows = await rowsOf<{ capture_id: string; context: unknown }>(
      this.db,
      `SELECT capture_id::text AS capture_id, document->'@context' AS context
         FROM captures WHERE capture_id = ANY($1::uuid[]) AND kind = 'EPCIS'`,
      [captureIds],
    );
    return new Map(rows.map((r) => [r.capture_id, r.context]));
  }

  async candidates(
    plan: QueryPlan,
    query: EpcisQuery,
    snapshot: number,
    after: PageCursor | undefined,
    limit: number,
  ): Promise<CandidateBatch> {
    const p = new SqlParameters();
    const desc = plan.direction === 'DESC';
    const column = plan.order === 'ledger' ? null : ORDER_COLUMN[plan.order];
    const keyText = (a: string) =>
      column
        ? `to_char(${a}.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
        : 'NULL::text';
    const orderBy = (a: string, reverse = false) => {
      const dir = desc !== reverse ? 'DESC' : 'ASC';
      return column ? `${a}.${column} ${dir}, ${a}.idx ${dir}` : `${a}.idx ${dir}`;
    };

    // Conditions the ordering index answers (they bound a scan) and all the others.
    const keyed: ((a: string) => string)[] = [];
    const others: ((a: string) => string)[] = [];
    const timeRange = (name: 'eventTime' | 'recordTime', col: string) => {
      const range = query[name];
      const into = plan.order === name ? keyed : others;
      if (range.ge) {
        const v = p.add(range.ge, 'timestamptz');
        into.push((a) => `${a}.${col} >= ${v}`);
      }
      if (range.lt) {
        const v = p.add(range.lt, 'timestamptz');
        into.push((a) => `${a}.${col} < ${v}`);
      }
    };
    timeRange('eventTime', 'event_time');
    timeRange('recordTime', 'recorded_at');
    // Entries appended after the first page are not part of this query's answer. Outside the
    // ledger order this filter drops only those few entries, so it never calls for a window.
    const size = p.add(snapshot, 'bigint');
    keyed.push((a) => `${a}.idx < ${size}`);
    if (after) {
      const idx = p.add(after.idx, 'bigint');
      const cmp = desc ? '<' : '>';
      if (column && after.key !== undefined) {
        const key = p.add(after.key, 'timestamptz');
        keyed.push((a) => `(${a}.${column}, ${a}.idx) ${cmp} (${key}, ${idx})`);
      } else {
        keyed.push((a) => `${a}.idx ${cmp} ${idx}`);
      }
    }
    if (plan.source.kind === 'quantities') {
      // In ledger order the partial index of these entries is the ordering index itself.
      (plan.order === 'ledger' ? keyed : others).push(QUANTITY_ENTRY_PREDICATE);
    }
    if (query.eventIds && plan.source.kind !== 'eventIds') {
      const ids = p.add(query.eventIds, 'text[]');
      others.push((a) => `${a}.event_id = ANY(${ids})`);
    }
    for (const group of plan.needles) {
      const needles = p.add(
        group.map((n) => Buffer.from(n, 'utf8')),
        'bytea[]',
      );
      others.push(
        (a) =>
          `EXISTS (SELECT 1 FROM unnest(${needles}) AS n(b) WHERE position(n.b IN ${a}.entry) > 0)`,
      );
    }
    const where = (conditions: ((a: string) => string)[], a: string) =>
      conditions.length ? conditions.map((c) => c(a)).join(' AND ') : 'true';
    const fetch = p.add(limit, 'int');

    const candidateSet = this.candidateSet(plan, p, size);
    if (candidateSet) {
      // Candidates first, each looked up by primary key (OFFSET 0 keeps the planner from
      // turning the lookups into a scan of the ordering index), then sorted: the work is
      // bounded by the number of candidates, not by the ledger's size.
      const rows = await rowsOf<{ idx: string; sort_key: string | null; entry: Buffer }>(
        this.db,
        `SELECT e.idx, ${keyText('e')} AS sort_key, e.entry
           FROM (${candidateSet}) c
           CROSS JOIN LATERAL (SELECT * FROM ledger_entries x WHERE x.idx = c.idx OFFSET 0) e
          WHERE e.entry_type = 'event' AND ${where([...keyed, ...others], 'e')}
          ORDER BY ${orderBy('e')} LIMIT ${fetch}`,
        p.values,
      );
      return { entries: rows.map(toEntry) };
    }

    if (others.length === 0) {
      // Nothing to check per entry: one ordered index range, stopped by LIMIT.
      const rows = await rowsOf<{ idx: string; sort_key: string | null; entry: Buffer }>(
        this.db,
        `SELECT e.idx, ${keyText('e')} AS sort_key, e.entry FROM ledger_entries e
          WHERE e.entry_type = 'event' AND ${where(keyed, 'e')}
          ORDER BY ${orderBy('e')} LIMIT ${fetch}`,
        p.values,
      );
      return { entries: rows.map(toEntry) };
    }

    // A window of the ordering index with the other conditions decided in it: however rare
    // the matches, one page reads at most SCAN_WINDOW entries. Rows stream in index order
    // (row_number over that same order needs no sort), so LIMIT stops the scan as soon as
    // enough entries passed; the window's last row comes back too, to say where it stopped.
    const window = p.add(SCAN_WINDOW, 'int');
    const rows = await rowsOf<{
      idx: string;
      sort_key: string | null;
      hit: boolean;
      rn: string;
      entry: Buffer;
    }>(
      this.db,
      `SELECT w.idx, w.sort_key, w.hit, w.rn, w.entry FROM (
         SELECT e.idx, e.event_time, e.recorded_at, ${keyText('e')} AS sort_key,
                (${where(others, 'e')}) AS hit, row_number() OVER (ORDER BY ${orderBy('e')}) AS rn,
                e.entry
           FROM ledger_entries e
          WHERE e.entry_type = 'event' AND ${where(keyed, 'e')}
          ORDER BY ${orderBy('e')} LIMIT ${window}
       ) w
       WHERE w.hit OR w.rn = ${window}
       ORDER BY ${orderBy('w')}
       LIMIT ${fetch} + 1`,
      p.values,
    );
    const entries = rows
      .filter((r) => r.hit)
      .slice(0, limit)
      .map(toEntry);
    const end = rows.find((r) => Number(r.rn) === SCAN_WINDOW);
    return {
      entries,
      ...(end && entries.length < limit ? { windowEnd: cursorOf(toEntry(end)) } : {}),
    };
  }

  /** The SQL of the candidate ledger indexes of a plan (below `size`), or null for a scan. */
  private candidateSet(plan: QueryPlan, p: SqlParameters, size: string): string | null {
    if (plan.source.kind === 'scan' || plan.source.kind === 'quantities') return null;
    switch (plan.source.kind) {
      case 'eventIds':
        return `SELECT x.idx FROM ledger_entries x
                 WHERE x.event_id = ANY(${p.add(plan.source.eventIds, 'text[]')}) AND x.idx < ${size}`;
      case 'packs': {
        const gtins = p.add(
          plan.source.packs.map((u) => u.gtin),
          'text[]',
        );
        const serials = p.add(
          plan.source.packs.map((u) => u.serial),
          'text[]',
        );
        return `SELECT DISTINCT ue.idx FROM unnest(${gtins}, ${serials}) AS k(gtin, serial)
                  JOIN unit_events ue ON ue.gtin = k.gtin AND ue.serial = k.serial
                 WHERE ue.idx < ${size}`;
      }
      case 'lots':
        // The lot index is (gtin, lot): looked up once per product with the lots asked for,
        // so it serves a lot without knowing its product (OFFSET 0 keeps the lookups from
        // becoming a scan of units when statistics favour one).
        return `SELECT DISTINCT ue.idx FROM products p
                  CROSS JOIN LATERAL (
                    SELECT u.gtin, u.serial FROM units u
                     WHERE u.gtin = p.gtin AND u.lot = ANY(${p.add(plan.source.lots, 'text[]')}) OFFSET 0
                  ) u
                  JOIN unit_events ue ON ue.gtin = u.gtin AND ue.serial = u.serial
                 WHERE ue.idx < ${size}`;
    }
  }
}

function toEntry(row: {
  idx: string;
  sort_key: string | null;
  entry: Buffer | null;
}): CandidateEntry {
  return {
    idx: Number(row.idx),
    ...(row.sort_key !== null ? { key: row.sort_key } : {}),
    entry: row.entry ?? Buffer.alloc(0),
  };
}

export const cursorOf = (e: CandidateEntry): PageCursor =>
  e.key !== undefined ? { idx: e.idx, key: e.key } : { idx: e.idx };
