import { CompactRange, canonicalBytes, leafHash } from '@trace/ledger';
import type { LedgerEventInput, LedgerVerdict } from '@trace/queue';
import { findSequenced, insertEntries, LedgerEntryRow } from './entry-appender';
import { LEDGER_ENVELOPE_VERSION, LedgerEnvelope, withoutUndefined } from './ledger-envelope';
import type { SqlExecutor } from './sql-executor';
import { TileWriter } from './tile-writer';
import { readTreeState, writeTreeState } from './tree-state';
import type { EvaluationOutcome, UnitEventEvaluator } from './unit-event-evaluator';
import { ProjectionBatch } from './projection-batch';
import { loadUnits, UnitRow } from './unit-projection-store';

/** Runs `work` in one database transaction (TypeORM DataSource.transaction, pg BEGIN/COMMIT…). */
export type TransactionRunner = <T>(work: (db: SqlExecutor) => Promise<T>) => Promise<T>;

interface TreeMemory {
  range: CompactRange;
  tiles: TileWriter;
}

/**
 * The single writer of the log. One call = one transaction: lock the tree state, drop events
 * already sequenced (redelivery), decide each event in order against the units' current state
 * (later events in the batch see earlier ones' effects), append an entry per accepted event
 * and an alert entry per refused one, update the projections, extend the tree, commit.
 * Verdicts are returned only after the commit.
 */
export class LedgerSequencer {
  private memory: TreeMemory | null = null;

  constructor(
    private readonly transaction: TransactionRunner,
    private readonly evaluator: UnitEventEvaluator,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async sequence(events: LedgerEventInput[]): Promise<LedgerVerdict[]> {
    try {
      return await this.transaction((db) => this.sequenceIn(db, events));
    } catch (err) {
      // Memory may be ahead of what was committed: rebuild it from the database next time.
      this.memory = null;
      throw err;
    }
  }

  private async sequenceIn(db: SqlExecutor, events: LedgerEventInput[]): Promise<LedgerVerdict[]> {
    const state = await readTreeState(db, true);
    const memory = await this.treeMemory(db, state.size, state.compactRange);

    const prior = await findSequenced(
      db,
      events.map((e) => e.eventId),
    );
    const units = await loadUnits(
      db,
      events.flatMap((e) => e.units),
    );
    const recordTime = this.clock().toISOString();
    const verdicts: LedgerVerdict[] = [];
    const byEventId = new Map<string, LedgerVerdict>();
    const rows: Omit<LedgerEntryRow, 'entry' | 'leafHash'>[] = [];
    const envelopes: LedgerEnvelope[] = [];
    const projections = new ProjectionBatch(units);

    let rollback: Map<string, EvaluationOutcome> | null = null;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const earlier = byEventId.get(event.eventId) ?? priorVerdict(prior.get(event.eventId));
      if (earlier) {
        verdicts.push({ ...earlier, duplicate: true });
        continue;
      }
      const index = state.size + rows.length;
      if (event.atomicGroup !== undefined && events[i - 1]?.atomicGroup !== event.atomicGroup) {
        rollback = this.tryGroup(
          events,
          i,
          units,
          index,
          recordTime,
          (id) => byEventId.has(id) || prior.has(id),
        );
      }
      const outcome: EvaluationOutcome =
        (event.atomicGroup !== undefined ? rollback?.get(event.eventId) : undefined) ??
        this.evaluator.evaluate(event, units, index, recordTime);
      const envelope = withoutUndefined<LedgerEnvelope>({
        v: LEDGER_ENVELOPE_VERSION,
        index,
        type: outcome.accepted ? 'event' : 'alert',
        eventId: event.eventId,
        eventTime: event.eventTime,
        recordTime,
        action: event.action,
        actor: { sub: event.actor.sub, org: event.actor.org, roles: [...event.actor.roles] },
        units: event.units.map((u) => withoutUndefined({ ...u })),
        containers: event.containers ?? [],
        refs: withoutUndefined({ ...(event.refs ?? {}) }),
        context: event.context ?? {},
        epcis: event.epcis,
        refusal: outcome.accepted ? undefined : { code: outcome.code, detail: outcome.detail },
      });
      envelopes.push(envelope);
      rows.push({
        index,
        eventId: event.eventId,
        entryType: envelope.type,
        action: event.action,
        refusalCode: outcome.accepted ? null : outcome.code,
        eventTime: event.eventTime,
        recordedAt: recordTime,
        actorOrg: event.actor.org,
      });
      let verdict: LedgerVerdict;
      if (outcome.accepted) {
        projections.accepted(event, index, outcome.updates);
        verdict = { eventId: event.eventId, accepted: true, ledgerIndex: index };
      } else {
        projections.refused(event, index);
        verdict = {
          eventId: event.eventId,
          accepted: false,
          code: outcome.code,
          detail: outcome.detail,
          alertIndex: index,
        };
      }
      byEventId.set(event.eventId, verdict);
      verdicts.push(verdict);
    }

    if (rows.length > 0) {
      // The projections do not depend on the entry bytes: the database writes them while this
      // process encodes and hashes the entries (measured: ~15% more entries/s at 1,000).
      const projectionsWritten = projections.write(db);
      let encoded: { entry: Buffer; leafHash: Buffer }[];
      try {
        encoded = await encodeEntries(envelopes);
      } finally {
        await projectionsWritten;
      }
      await insertEntries(
        db,
        rows.map((row, i) => ({ ...row, ...encoded[i] })),
      );
      const created = encoded.flatMap((e) => memory.range.append(e.leafHash));
      memory.tiles.add(created);
      await memory.tiles.flush(db);
      await writeTreeState(db, {
        size: memory.range.size,
        root: memory.range.root(),
        compactRange: memory.range.hashes(),
      });
    }
    return verdicts;
  }

  /**
   * Decides the atomic group starting at `start` on a scratch copy of the units. When one of
   * its events is refused, answers the refusal of every event of the group (the others get
   * CAPTURE_ROLLED_BACK); when all would be accepted, answers null and the caller decides
   * them for real.
   */
  private tryGroup(
    events: LedgerEventInput[],
    start: number,
    units: Map<string, UnitRow>,
    firstIndex: number,
    recordTime: string,
    sequenced: (eventId: string) => boolean,
  ): Map<string, EvaluationOutcome> | null {
    const group = events[start].atomicGroup;
    const scratch = new Map(units);
    const trial = new ProjectionBatch(scratch);
    const outcomes = new Map<string, EvaluationOutcome>();
    let refused: { eventId: string; code: string } | null = null;
    let index = firstIndex;
    for (let i = start; i < events.length && events[i].atomicGroup === group; i++) {
      const event = events[i];
      if (sequenced(event.eventId) || outcomes.has(event.eventId)) continue;
      const outcome = this.evaluator.evaluate(event, scratch, index, recordTime);
      outcomes.set(event.eventId, outcome);
      if (outcome.accepted) trial.accepted(event, index, outcome.updates);
      else refused ??= { eventId: event.eventId, code: outcome.code };
      index++;
    }
    if (!refused) return null;
    const first = refused;
    const answer = new Map<string, EvaluationOutcome>();
    for (const [eventId, outcome] of outcomes) {
      answer.set(
        eventId,
        outcome.accepted
          ? {
              accepted: false,
              code: 'CAPTURE_ROLLED_BACK',
              detail: `rolled back with its capture: event ${first.eventId} was refused (${first.code})`,
            }
          : outcome,
      );
    }
    return answer;
  }

  private async treeMemory(db: SqlExecutor, size: number, compact: Buffer[]): Promise<TreeMemory> {
    if (this.memory && this.memory.range.size === size) return this.memory;
    // First batch, after a failure, or another writer moved the log: load what is committed.
    this.memory = {
      range: CompactRange.fromHashes(size, compact),
      tiles: await TileWriter.load(db, size),
    };
    return this.memory;
  }
}

const ENCODE_SLICE = 128;

/**
 * JCS bytes and leaf hashes of the envelopes, yielding to the event loop between slices so
 * that the database driver can send the statements queued meanwhile.
 */
async function encodeEntries(
  envelopes: LedgerEnvelope[],
): Promise<{ entry: Buffer; leafHash: Buffer }[]> {
  const out: { entry: Buffer; leafHash: Buffer }[] = [];
  for (let i = 0; i < envelopes.length; i++) {
    if (i % ENCODE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const entry = canonicalBytes(envelopes[i]);
    out.push({ entry, leafHash: leafHash(entry) });
  }
  return out;
}

function priorVerdict(
  prior:
    { eventId: string; index: number; entryType: string; refusalCode: string | null } | undefined,
): LedgerVerdict | undefined {
  if (!prior) return undefined;
  return prior.entryType === 'event'
    ? { eventId: prior.eventId, accepted: true, ledgerIndex: prior.index }
    : {
        eventId: prior.eventId,
        accepted: false,
        code: prior.refusalCode ?? 'INVALID_STATE_TRANSITION',
        detail: `refused earlier; see alert entry ${prior.index}`,
        alertIndex: prior.index,
      };
}
