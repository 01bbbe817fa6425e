import { CanonicalJsonError, CompactRange, canonicalBytes, leafHash } from '@trace/ledger';
import type { LedgerEventInput, LedgerVerdict } from '@trace/queue';
import { DecisionInputs, readDecisionInputs } from './decision-inputs';
import { encodeEntries, insertEntries, LedgerEntryRow, SequencedEvent } from './entry-appender';
import {
  appendInOneStatement,
  DecidedWrites,
  fitsOneStatement,
  SMALL_BATCH,
} from './one-statement-append';
import { LEDGER_ENVELOPE_VERSION, LedgerEnvelope, withoutUndefined } from './ledger-envelope';
import type { SqlExecutor } from './sql-executor';
import { SerialQueue } from './serial-queue';
import { TileWriter } from './tile-writer';
import { readTreeState, writeTreeState } from './tree-state';
import type { EvaluationOutcome, UnitEventEvaluator } from './unit-event-evaluator';
import { ProjectionBatch } from './projection-batch';
import { unitKey, UnitRow, unitsFromRows } from './unit-projection-store';

/** Runs `work` in one database transaction (TypeORM DataSource.transaction, pg BEGIN/COMMIT…). */
export type TransactionRunner = <T>(work: (db: SqlExecutor) => Promise<T>) => Promise<T>;

interface TreeMemory {
  range: CompactRange;
  tiles: TileWriter;
}

/**
 * A batch decided and encoded, waiting to be written: everything but the database writes.
 * `baseSize` is the tree size it extends; the write checks it under the tree-state lock.
 */
interface PreparedBatch extends DecidedWrites {
  /** The sequencer generation it was decided in; a failed write starts a new one. */
  generation: number;
  /** Its number among the batches decided (in this process). */
  serial: number;
  /**
   * The number of the batch still being written that it was decided on top of, if any: a
   * number, not a reference, so that each batch does not keep every earlier one alive.
   */
  onTopOf: number | null;
  verdicts: LedgerVerdict[];
  byEventId: Map<string, LedgerVerdict>;
  /** The rows as COPY data, encoded before the lock (null: written with SQL). */
  entriesCopy: Buffer | null;
}

/**
 * The single writer of the log. One batch = one transaction: lock the tree state, drop events
 * already sequenced (redelivery), decide each event in order against the units' current state
 * (later events in the batch see earlier ones' effects), append an entry per accepted event
 * and an alert entry per refused one, update the projections, extend the tree, commit.
 * Verdicts are returned only after the commit.
 *
 * Pipelined when given a connection for reads outside the transaction (`reads`): while one
 * batch is being written, the next is already decided, encoded and hashed on top of the
 * first one's effects (kept in memory until it commits). The write then checks, under the
 * tree-state lock, that the log is exactly where the decision assumed; if not (a failed
 * write, another writer), the batch is decided again inside its transaction. A batch's
 * inserts go in before it asks for the lock, while the batch ahead commits (ADR 0012). A small
 * batch decided on top of a batch being written in a transaction rides in that transaction
 * and commits with it (ADR 0016). A counter's batch handed in while a bulk batch is decided
 * goes first when the two name nothing in common (ADR 0017).
 */
export class LedgerSequencer {
  private memory: TreeMemory | null = null;
  private generation = 0;
  /** Batches decided so far: numbers them. */
  private decided = 0;
  /** Batches decided but not yet committed, oldest first: what the next decision builds on. */
  private pending: PreparedBatch[] = [];
  private readonly decisions = new SerialQueue();
  /**
   * Batches written as decided ahead, decided again under the lock, written with one
   * statement, whose inserts went in before the lock (while the previous batch committed), and
   * written in the transaction of the batch ahead (riders, ADR 0016), and counters' batches
   * that cut in ahead of a bulk batch being decided (ADR 0017), and counters' batches decided
   * on the units as the producer read them (ADR 0018).
   */
  readonly stats = {
    pipelined: 0,
    redecided: 0,
    oneStatement: 0,
    overlapped: 0,
    carried: 0,
    cutIn: 0,
    decidedOnProducerRead: 0,
  };
  /** The bulk decision in progress, which a counter's batch may ask to go before. */
  private deciding: BulkDecision | null = null;
  /** The latest two writes handed in: the next takes the lock after the last. */
  private lastWrite: WriteInFlight | null = null;
  private writeBeforeLast: WriteInFlight | null = null;

  constructor(
    private readonly transaction: TransactionRunner,
    private readonly evaluator: UnitEventEvaluator,
    private readonly clock: () => Date = () => new Date(),
    private readonly reads?: SqlExecutor,
  ) {}

  /**
   * Sequences one batch. An `urgent` batch (a person waits at a counter) reads its decision
   * inputs as soon as it is handed in, and is written with the event loop to itself: from the
   * moment it is decided until it commits, bulk decisions pause at their yields, so its round
   * trips do not queue behind their work (ADR 0010, 0016). It may cut in ahead of the bulk
   * batch being decided (ADR 0017).
   */
  sequence(events: LedgerEventInput[], opts: { urgent?: boolean } = {}): Promise<LedgerVerdict[]> {
    const urgent = opts.urgent === true;
    let held = false;
    const hold = () => {
      this.holdBulk();
      held = true;
    };
    // Writes take the tree-state lock in the order their batches were handed in, unless a
    // counter's batch cut in ahead of a bulk batch being decided (ADR 0017). The next write
    // opens its transaction as soon as its decision is ready and may write its inserts while
    // this one still holds the lock (ADR 0012).
    const done = deferred();
    const mine: WriteInFlight = {
      prepared: Promise.resolve(null),
      ahead: this.lastWrite,
      twoAhead: this.writeBeforeLast,
      holds: deferred(),
      done: done.promise,
      ended: false,
      riders: [],
      carried: [],
    };
    // A counter's batch reads what it needs while it waits for the decision in progress, and
    // asks that decision, if it is a bulk one, to let it go first.
    const early = urgent ? this.readEarly(events) : null;
    const cutIn = early ? this.askToCutIn(events, early, mine, hold) : null;
    const queued = this.decisions.run(async () => {
      const taken = cutIn ? await cutIn.decided.promise : NOT_TAKEN;
      if (taken !== NOT_TAKEN) return taken;
      const batch = await this.prepare(events, urgent, early, mine);
      if (urgent) hold();
      return batch;
    });
    const prepared = cutIn
      ? cutIn.decided.promise.then((taken) => (taken === NOT_TAKEN ? queued : taken))
      : queued;
    mine.prepared = prepared;
    this.writeBeforeLast = this.lastWrite;
    this.lastWrite = mine;
    const written = (async () => {
      try {
        // At most two write transactions open (one holding the lock, the next writing its
        // inserts): more would only queue on the lock, each holding a connection.
        await mine.twoAhead?.done;
        let decided = await prepared;
        // A counter's batch may have cut in ahead of this one while it was decided.
        await mine.twoAhead?.done;
        const ahead = mine.ahead;
        if (this.reads && this.isCurrent(decided) && fitsOneStatement(decided)) {
          if (await this.rideWith(ahead, decided)) {
            this.stats.pipelined++;
            this.stats.carried++;
            this.pending = this.pending.filter((b) => b !== decided);
            return decided.verdicts;
          }
          // One statement is its own transaction: no BEGIN and COMMIT round trips. It reads
          // with one snapshot, so it starts after the batch ahead committed (ADR 0011).
          await ahead?.done;
          if (this.isCurrent(decided) && (await appendInOneStatement(this.reads, decided))) {
            mine.holds.resolve();
            this.stats.pipelined++;
            this.stats.oneStatement++;
            this.pending = this.pending.filter((b) => b !== decided);
            return decided.verdicts;
          }
          // The log moved and nothing was written: decide again under the lock.
          decided = null;
        }
        // Decided on units as a producer read them: only the one statement checks those.
        if (decided?.decidedOn) decided = null;
        const batch = await this.transaction(async (db) =>
          this.write(db, events, decided, { ahead, holding: mine.holds.resolve, self: mine }),
        );
        // Committed: the database now shows what later decisions overlaid from memory.
        this.pending = this.pending.filter((b) => b !== batch);
        for (const rider of mine.carried.splice(0)) rider.carried.resolve(true);
        return batch.verdicts;
      } catch (err) {
        // Memory and later decisions may assume this batch: start again from the database.
        this.invalidate();
        throw err;
      } finally {
        // Riders not committed with this write (it failed, never took them, or was a write of
        // one statement, with no transaction to carry them in) write themselves.
        for (const rider of mine.carried.splice(0)) rider.carried.resolve(false);
        turnAway(mine);
        mine.ended = true;
        // Nothing waits on what was ahead of a write that ended: let those go.
        mine.ahead = mine.twoAhead = null;
        mine.holds.resolve();
        done.resolve();
      }
    })();
    if (!urgent) return written;
    return written.finally(async () => {
      // The write can fail before its decision is in: release only what was held, once held.
      await prepared.catch(() => undefined);
      if (held) this.releaseBulk();
    });
  }

  /** A batch is being decided under the tree-state lock (after a failure or a moved log). */
  private decidingUnderLock = false;

  /** Urgent batches decided and not yet written; bulk decisions wait on `bulkGate` meanwhile. */
  private urgentHolds = 0;
  private bulkGate: Deferred | null = null;

  private holdBulk() {
    if (this.urgentHolds++ === 0) this.bulkGate = deferred();
  }

  private releaseBulk() {
    if (--this.urgentHolds === 0 && this.bulkGate) {
      this.bulkGate.resolve();
      this.bulkGate = null;
    }
  }

  /** A yield of a decision, which for bulk work also waits while an urgent batch is written. */
  private async yieldFor(urgent: boolean) {
    await yieldToWrites();
    while (!urgent && this.bulkGate) await this.bulkGate.promise;
  }

  private invalidate() {
    this.generation++;
    this.memory = null;
    this.pending = [];
  }

  /**
   * Decides a batch outside any transaction, on top of the batches still being written. A bulk
   * batch (`write` given) lets a counter's batch that asks while it is decided go first.
   */
  private async prepare(
    events: LedgerEventInput[],
    urgent = false,
    early: EarlyRead | null = null,
    write: WriteInFlight | null = null,
  ): Promise<PreparedBatch | null> {
    const reads = this.reads;
    // While a batch is decided under the lock, the tree in memory is being rebuilt.
    if (!reads || this.decidingUnderLock) return null;
    const deciding: BulkDecision | null =
      !urgent && write ? { events, write, keys: null, cutIn: null } : null;
    if (deciding) this.deciding = deciding;
    try {
      const generation = this.generation;
      let base = await this.decisionBase(reads);
      if (!base) return null;
      const memory = base.memory;
      const pending = base.pending;
      const refs = events.flatMap((e) => e.units);
      let overlay = pending;
      let inputs = await this.earlyInputs(early, pending);
      const producerRead = inputs !== null && early?.asRead === true;
      if (inputs) {
        // What the read may not show: the batches not committed when it began, and since.
        const before = early?.pending.filter((b) => !pending.includes(b)) ?? [];
        overlay = [...before, ...pending];
      } else {
        inputs = await readDecisionInputs(reads, eventIdsOf(events), refs);
      }
      const prior = priorVerdicts(inputs.sequenced);
      const units = inputs.units;
      const wanted = new Set(refs.map((u) => unitKey(u.gtin, u.serial)));
      for (const batch of overlay) {
        for (const [id, verdict] of batch.byEventId) prior.set(id, verdict);
        for (const [key, unit] of batch.projections.changedUnits()) {
          if (wanted.has(key)) units.set(key, unit);
        }
      }
      if (generation !== this.generation || memory !== this.memory) return null;
      // What a decision on a producer's read assumed, before the decision changes `units`.
      const decidedOn = producerRead ? asSeen(refs, units) : undefined;
      let batch = await this.decide(events, prior, units, base.size, memory, generation, {
        urgent,
        outsideTheLock: true,
        deciding,
      });
      if (batch === OVERTAKEN && deciding?.cutIn) {
        // A counter's batch goes first; this one is then decided again on top of it, from the
        // same inputs: the two name no unit and no event in common (askToCutIn).
        await this.decideCutIn(deciding, deciding.cutIn);
        base = generation === this.generation ? await this.decisionBase(reads) : null;
        if (!base || base.memory !== memory) return null;
        batch = await this.decide(events, prior, units, base.size, memory, generation, {
          urgent,
          outsideTheLock: true,
        });
      }
      if (!batch || batch === OVERTAKEN || generation !== this.generation) return null;
      batch.onTopOf = base.last?.serial ?? null;
      if (decidedOn && batch.rows.length > 0) {
        batch.decidedOn = decidedOn;
        this.stats.decidedOnProducerRead++;
      }
      this.pending.push(batch);
      return batch;
    } catch {
      // A read failed: the write decides the batch inside its transaction instead.
      return null;
    } finally {
      if (deciding) {
        if (this.deciding === deciding) this.deciding = null;
        // A counter's batch that asked too late is decided after this one, as before.
        deciding.cutIn?.decided.resolve(NOT_TAKEN);
      }
    }
  }

  /** The tree a decision outside the lock extends: the last batch pending, or the committed. */
  private async decisionBase(reads: SqlExecutor): Promise<DecisionBase | null> {
    const pending = this.currentPending();
    const last = pending[pending.length - 1];
    let size: number;
    if (last) {
      size = last.treeState.size;
    } else if (this.memory) {
      // Nothing pending: the tree in memory is the committed one (a failed write drops it).
      // Were the log moved by someone else, the write would find out under the lock.
      size = this.memory.range.size;
    } else {
      const state = await readTreeState(reads);
      size = state.size;
      await this.treeMemory(reads, state.size, state.compactRange);
    }
    const memory = this.memory;
    if (!memory || memory.range.size !== size) return null;
    return { pending, last, size, memory };
  }

  /**
   * A counter's batch asks the bulk decision in progress to let it go first: granted when it
   * names no unit and no event the bulk batch names (neither decision then depends on the
   * other) and nothing else was handed in between them. The bulk decision takes it at its
   * next yield, if it has not yet extended the tree (ADR 0017).
   */
  private askToCutIn(
    events: LedgerEventInput[],
    early: EarlyRead,
    write: WriteInFlight,
    hold: () => void,
  ): CutIn | null {
    const bulk = this.deciding;
    if (!bulk || bulk.cutIn || this.lastWrite !== bulk.write) return null;
    if (!bulk.keys) {
      bulk.keys = new Set();
      for (const e of bulk.events) {
        bulk.keys.add(e.eventId);
        for (const u of e.units) bulk.keys.add(unitKey(u.gtin, u.serial));
      }
    }
    const keys = bulk.keys;
    const shared = events.some(
      (e) => keys.has(e.eventId) || e.units.some((u) => keys.has(unitKey(u.gtin, u.serial))),
    );
    if (shared) return null;
    bulk.cutIn = { events, early, write, hold, taken: false, decided: deferred() };
    return bulk.cutIn;
  }

  /** Whether the bulk decision in progress must stop here and let a counter's batch go first. */
  private cutInWaiting(deciding: BulkDecision | undefined): boolean {
    const cut = deciding?.cutIn;
    if (!deciding || !cut || cut.taken) return false;
    return this.lastWrite === cut.write && this.writeBeforeLast === deciding.write;
  }

  /**
   * Decides the counter's batch that cut in, on the tree the bulk batch was to extend, and
   * puts its write ahead of the bulk batch's.
   */
  private async decideCutIn(bulk: BulkDecision, cut: CutIn) {
    cut.taken = true;
    this.stats.cutIn++;
    const counter = cut.write;
    counter.ahead = bulk.write.ahead;
    counter.twoAhead = bulk.write.twoAhead;
    bulk.write.twoAhead = bulk.write.ahead;
    bulk.write.ahead = counter;
    this.lastWrite = bulk.write;
    this.writeBeforeLast = counter;
    let batch: PreparedBatch | null = null;
    try {
      batch = await this.prepare(cut.events, true, cut.early);
    } finally {
      // The bulk decision now waits, at its yields, until the counter's batch is written.
      cut.hold();
      cut.decided.resolve(batch);
    }
  }

  /**
   * Starts reading a batch's decision inputs before its turn to be decided; or, when each of a
   * counter's events carries its units as the producer read them, takes those, with no read
   * here: the write then checks them (ADR 0018).
   */
  private readEarly(events: LedgerEventInput[]): EarlyRead | null {
    if (!this.reads) return null;
    const refs = events.flatMap((e) => e.units);
    const asRead = events.length <= SMALL_BATCH.events && events.every((e) => e.unitsAsRead);
    let given: DecisionInputs | null = null;
    if (asRead) {
      try {
        given = {
          sequenced: new Map(),
          units: unitsFromRows(events.flatMap((e) => e.unitsAsRead ?? [])),
        };
      } catch {
        given = null; // not rows this sequencer can read: read them itself
      }
    }
    return {
      generation: this.generation,
      decided: this.decided,
      pending: this.currentPending(),
      asRead: given !== null,
      inputs: given
        ? Promise.resolve(given)
        : readDecisionInputs(this.reads, eventIdsOf(events), refs).catch(() => null),
    };
  }

  /**
   * The inputs read early, if they can be used at the decision: unless the sequencer started
   * again since, or a batch decided after the read began has committed since. That batch may
   * or may not show in what was read, and is no longer pending to be overlaid (read again).
   */
  private async earlyInputs(
    early: EarlyRead | null,
    pending: PreparedBatch[],
  ): Promise<DecisionInputs | null> {
    if (!early || early.generation !== this.generation) return null;
    const inputs = await early.inputs;
    // Read by the producer, at a moment not known here: the write checks them instead.
    if (inputs && early.asRead) return inputs;
    const decidedSince = pending.filter((b) => b.serial > early.decided).length;
    if (!inputs || decidedSince !== this.decided - early.decided) return null;
    return inputs;
  }

  /** The batches of this generation decided and not yet committed, oldest first. */
  private currentPending(): PreparedBatch[] {
    return this.pending.filter((b) => b.generation === this.generation);
  }

  private isCurrent(b: PreparedBatch | null): b is PreparedBatch {
    return b !== null && b.generation === this.generation;
  }

  private async write(
    db: SqlExecutor,
    events: LedgerEventInput[],
    prepared: PreparedBatch | null,
    turn: LockTurn,
  ): Promise<PreparedBatch> {
    const early =
      this.isCurrent(prepared) &&
      prepared.rows.length > 0 &&
      (await this.insertsMayGoFirst(prepared, turn.ahead)) &&
      (await this.writeInsertsBeforeLock(db, prepared));
    await turn.ahead?.holds.promise;
    let state = await readTreeState(db, true);
    turn.holding();
    if (early && this.isCurrent(prepared) && prepared.baseSize === state.size) {
      this.stats.pipelined++;
      this.stats.overlapped++;
      await prepared.projections.writeUpdates(db);
      await writeTreeState(db, prepared.treeState, prepared.tileRows);
      await this.carryRiders(db, turn.self, prepared);
      return prepared;
    }
    if (early) {
      // The log is not where the decision assumed. The lock was taken after the savepoint and
      // goes with it: take it again.
      await db.query('ROLLBACK TO SAVEPOINT before_tree_lock');
      state = await readTreeState(db, true);
    }
    let batch = prepared;
    if (!this.isCurrent(batch) || batch.baseSize !== state.size) {
      // Decide now, under the lock, against what is committed.
      if (this.reads) this.stats.redecided++;
      this.invalidate();
      // Decisions outside the lock may run meanwhile on the same tree in memory: none may
      // extend it until this one has.
      this.decidingUnderLock = true;
      try {
        const memory = await this.treeMemory(db, state.size, state.compactRange);
        const inputs = await readDecisionInputs(
          db,
          eventIdsOf(events),
          events.flatMap((e) => e.units),
        );
        const prior = priorVerdicts(inputs.sequenced);
        const decided = await this.decide(
          events,
          prior,
          inputs.units,
          state.size,
          memory,
          this.generation,
        );
        if (!decided || decided === OVERTAKEN) {
          throw new Error('a decision under the lock found its tree moved');
        }
        batch = decided;
        this.pending.push(batch);
      } finally {
        this.decidingUnderLock = false;
      }
    } else {
      this.stats.pipelined++;
    }
    if (batch.rows.length > 0) {
      await batch.projections.write(db);
      await insertEntries(db, batch.rows, batch.entriesCopy);
      await writeTreeState(db, batch.treeState, batch.tileRows);
    }
    await this.carryRiders(db, turn.self, batch);
    return batch;
  }

  /**
   * Asks the write ahead to carry a small batch decided on top of it in its own transaction.
   * True once that transaction committed with the batch in it; false when the write ahead
   * does not carry it (it has no transaction, already wrote its tree state, failed, or was
   * decided again): the batch then writes itself after it, as before (ADR 0016).
   */
  private async rideWith(ahead: WriteInFlight | null, batch: PreparedBatch): Promise<boolean> {
    if (!ahead?.riders) return false;
    const carrier = await ahead.prepared.catch(() => null);
    if (!ahead.riders || carrier === null || batch.onTopOf !== carrier.serial) return false;
    const carried = deferred<boolean>();
    ahead.riders.push({ batch, carried });
    return carried.promise;
  }

  /**
   * Writes, in the transaction of `batch` and after its tree state, the small batches that
   * were decided on top of it and asked to ride, each with its one statement: a counter's
   * batch then commits with the bulk batch ahead of it, instead of waiting for that commit to
   * send its own statement and commit again. Told of the commit by `sequence` (ADR 0016).
   */
  private async carryRiders(db: SqlExecutor, self: WriteInFlight, batch: PreparedBatch) {
    const riders = self.riders ?? [];
    self.riders = null;
    let top = batch;
    let i = 0;
    try {
      for (; i < riders.length; i++) {
        const next = riders[i].batch;
        const onTop =
          this.isCurrent(next) &&
          next.onTopOf === top.serial &&
          next.baseSize === top.treeState.size;
        if (!onTop || !(await appendInOneStatement(db, next))) break;
        self.carried.push(riders[i]);
        top = next;
      }
    } finally {
      // The rest (each decided on top of one not written here) write themselves, in order. A
      // rider whose statement failed fails its carrier, as any of the carrier's statements would.
      for (const rest of riders.slice(i)) rest.carried.resolve(false);
    }
  }

  /**
   * Whether a batch's inserts (entries, new units, unit index) can go in before it holds the
   * tree-state lock: when no write is ahead of it, or when it was decided on top of the batch
   * ahead as that batch will be written. Its rows then collide with none of the rows ahead
   * (other indexes, other event ids, units the batch ahead does not create).
   */
  private async insertsMayGoFirst(
    prepared: PreparedBatch,
    ahead: WriteInFlight | null,
  ): Promise<boolean> {
    if (!ahead || ahead.ended) return true;
    const aheadBatch = await ahead.prepared;
    return (
      aheadBatch !== null &&
      prepared.onTopOf === aheadBatch.serial &&
      aheadBatch.generation === this.generation
    );
  }

  /**
   * Writes the batch's inserts after a savepoint; false (and nothing written) when one of them
   * collides, which only a log moved by someone else can cause: decided again under the lock.
   */
  private async writeInsertsBeforeLock(db: SqlExecutor, batch: PreparedBatch): Promise<boolean> {
    await db.query('SAVEPOINT before_tree_lock');
    try {
      await batch.projections.writeInserts(db);
      await insertEntries(db, batch.rows, batch.entriesCopy);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      await db.query('ROLLBACK TO SAVEPOINT before_tree_lock');
      return false;
    }
  }

  /**
   * Decides each event in order, builds and encodes the entries, extends the in-memory tree
   * and says what to write. `prior` holds the verdicts of events already sequenced.
   */
  private async decide(
    events: LedgerEventInput[],
    prior: Map<string, LedgerVerdict>,
    units: Map<string, UnitRow>,
    baseSize: number,
    memory: TreeMemory,
    generation: number,
    opts: { urgent?: boolean; outsideTheLock?: boolean; deciding?: BulkDecision | null } = {},
  ): Promise<PreparedBatch | typeof OVERTAKEN | null> {
    const urgent = opts.urgent ?? true;
    const deciding = opts.deciding ?? undefined;
    const recordTime = this.clock().toISOString();
    const verdicts: LedgerVerdict[] = [];
    const byEventId = new Map<string, LedgerVerdict>();
    const rows: LedgerEntryRow[] = [];
    const projections = new ProjectionBatch(units);

    let group: Map<string, EvaluationOutcome> | null = null;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const earlier = byEventId.get(event.eventId) ?? prior.get(event.eventId);
      if (earlier) {
        verdicts.push({ ...earlier, duplicate: true });
        continue;
      }
      const index = baseSize + rows.length;
      if (event.atomicGroup !== undefined && events[i - 1]?.atomicGroup !== event.atomicGroup) {
        group = this.tryGroup(
          events,
          i,
          units,
          index,
          recordTime,
          (id) => byEventId.has(id) || prior.has(id),
        );
      }
      // Let the driver send the statements of the batch being written meanwhile.
      if (i % ENCODE_SLICE === 0) {
        await this.yieldFor(urgent);
        if (this.cutInWaiting(deciding)) {
          projections.undo();
          return OVERTAKEN;
        }
      }
      let outcome: EvaluationOutcome =
        (event.atomicGroup !== undefined ? group?.get(event.eventId) : undefined) ??
        this.evaluator.evaluate(event, units, index, recordTime);
      let envelope = buildEnvelope(event, index, recordTime, outcome);
      let entry: Buffer;
      try {
        entry = canonicalBytes(envelope);
      } catch (err) {
        if (!(err instanceof CanonicalJsonError)) throw err;
        // One event JCS cannot represent must not block the log: it becomes an alert entry
        // without the parts that could not be kept.
        outcome = {
          accepted: false,
          code: 'VALIDATION_FAILED',
          detail: `the event cannot be stored exactly as given: ${err.message}`,
        };
        envelope = buildEnvelope({ ...event, epcis: {}, context: {} }, index, recordTime, outcome);
        entry = canonicalBytes(envelope);
      }
      rows.push({
        index,
        eventId: event.eventId,
        entryType: envelope.type,
        action: event.action,
        refusalCode: outcome.accepted ? null : outcome.code,
        eventTime: event.eventTime,
        recordedAt: recordTime,
        actorOrg: event.actor.org,
        entry,
        leafHash: leafHash(entry),
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

    await this.yieldFor(urgent);
    if (this.cutInWaiting(deciding)) {
      projections.undo();
      return OVERTAKEN;
    }
    if (
      opts.outsideTheLock &&
      (this.decidingUnderLock ||
        generation !== this.generation ||
        memory !== this.memory ||
        memory.range.size !== baseSize)
    ) {
      // The tree in memory is being rebuilt, or was extended by a decision under the lock
      // since this one began: appending here would misplace both. Decide under the lock.
      return null;
    }
    for (const row of rows) memory.tiles.add(memory.range.append(row.leafHash));
    const written: DecidedWrites = {
      baseSize,
      rows,
      projections,
      tileRows: memory.tiles.take(),
      treeState: {
        size: memory.range.size,
        root: memory.range.root(),
        compactRange: memory.range.hashes(),
      },
    };
    // Encoding the COPY data here keeps that work out of the write, which holds the lock.
    let entriesCopy: Buffer | null = null;
    if (!fitsOneStatement(written)) {
      await this.yieldFor(urgent);
      projections.encode();
      await this.yieldFor(urgent);
      entriesCopy = encodeEntries(rows);
    }
    return {
      ...written,
      generation,
      serial: ++this.decided,
      onTopOf: null,
      verdicts,
      byEventId,
      entriesCopy,
    };
  }

  /**
   * Decides the atomic group starting at `start` on a scratch copy of the units. When one of
   * its events is refused, answers the refusal of every event of the group (the others get
   * CAPTURE_ROLLED_BACK); when all are accepted, answers their outcomes, which deciding them
   * again on the real units would reproduce exactly (same states, same order, same indexes).
   */
  private tryGroup(
    events: LedgerEventInput[],
    start: number,
    units: Map<string, UnitRow>,
    firstIndex: number,
    recordTime: string,
    sequenced: (eventId: string) => boolean,
  ): Map<string, EvaluationOutcome> {
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
    if (!refused) return outcomes;
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

/**
 * Events decided between two yields to the event loop. The batch being written meanwhile
 * waits for the loop at each of its round trips, which holds the tree-state lock longer: at
 * batches of 1,000, 8 did better than 32 (ADR 0007).
 */
const ENCODE_SLICE = 8;

const yieldToWrites = () => new Promise<void>((resolve) => setImmediate(resolve));

const UNIQUE_VIOLATION = '23505';

/** A batch's decision inputs read as soon as it was handed in, and what they may not show. */
interface EarlyRead {
  generation: number;
  /** Batches decided before the read began. */
  decided: number;
  /** The batches of this generation not yet committed when the read began. */
  pending: PreparedBatch[];
  /** The producer's read, handed in with the events (ADR 0018), not one made here. */
  asRead: boolean;
  inputs: Promise<DecisionInputs | null>;
}

/** A batch's write, from the moment it was handed in until it committed or failed. */
interface WriteInFlight {
  /** Its batch as decided ahead (null: it is decided under the lock). */
  prepared: Promise<PreparedBatch | null>;
  /**
   * The two writes before it in the lock order, while it has not ended: those handed in
   * before it, unless a counter's batch cut in (ADR 0017).
   */
  ahead: WriteInFlight | null;
  twoAhead: WriteInFlight | null;
  /** Resolves once it holds the tree-state lock, or has ended. */
  holds: Deferred;
  /** Resolves once it has committed or failed (after a failure has invalidated memory). */
  done: Promise<void>;
  ended: boolean;
  /** Small batches asking to be written in its transaction; null once it takes no more. */
  riders: Rider[] | null;
  /** Riders written in its transaction, told once it has committed. */
  carried: Rider[];
}

/** Returned by a bulk decision that stopped to let a counter's batch go first. */
const OVERTAKEN = Symbol('overtaken');
/** A counter's batch that asked to cut in was not let in: it is decided in its turn. */
const NOT_TAKEN = Symbol('not taken');

/** A bulk batch being decided outside the lock, and the counter's batch asking to go first. */
interface BulkDecision {
  events: LedgerEventInput[];
  write: WriteInFlight;
  /** Its event ids and unit keys, gathered when a counter's batch first asks. */
  keys: Set<string> | null;
  cutIn: CutIn | null;
}

/** A counter's batch asking to be decided and written before the bulk batch being decided. */
interface CutIn {
  events: LedgerEventInput[];
  early: EarlyRead;
  write: WriteInFlight;
  /** Holds bulk decisions at their yields until the counter's batch is written. */
  hold: () => void;
  taken: boolean;
  /** Its decision once taken (null: decided under the lock), or NOT_TAKEN. */
  decided: Deferred<PreparedBatch | null | typeof NOT_TAKEN>;
}

/** What a decision outside the lock builds on. */
interface DecisionBase {
  pending: PreparedBatch[];
  last: PreparedBatch | undefined;
  size: number;
  memory: TreeMemory;
}

/** A small batch decided on top of a write in flight, asking to be written in its transaction. */
interface Rider {
  batch: PreparedBatch;
  /** True once committed in the carrier's transaction; false when it must write itself. */
  carried: Deferred<boolean>;
}

/** Riders waiting on a write that will carry none: they write themselves, after it. */
function turnAway(write: WriteInFlight) {
  for (const rider of write.riders ?? []) rider.carried.resolve(false);
  write.riders = null;
}

/** A write's place in the lock order. */
interface LockTurn {
  /** The write handed in just before, if it has not ended. */
  ahead: WriteInFlight | null;
  /** Says this write holds the lock: the next may ask for it. */
  holding: () => void;
  /** This write: the riders it carries. */
  self: WriteInFlight;
}

/** A promise and the function that resolves it. */
interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function buildEnvelope(
  event: LedgerEventInput,
  index: number,
  recordTime: string,
  outcome: EvaluationOutcome,
): LedgerEnvelope {
  // Members in RFC 8785 order, so that canonicalisation has fewer objects to re-sort.
  return withoutUndefined<LedgerEnvelope>({
    action: event.action,
    actor: { org: event.actor.org, roles: [...event.actor.roles], sub: event.actor.sub },
    containers: event.containers ?? [],
    context: event.context ?? {},
    epcis: event.epcis,
    eventId: event.eventId,
    eventTime: event.eventTime,
    index,
    recordTime,
    refs: withoutUndefined(event.refs ?? {}),
    refusal: outcome.accepted ? undefined : { code: outcome.code, detail: outcome.detail },
    type: outcome.accepted ? 'event' : 'alert',
    units: event.units.map((u) => withoutUndefined(u)),
    v: LEDGER_ENVELOPE_VERSION,
  });
}

const eventIdsOf = (events: LedgerEventInput[]) => events.map((e) => e.eventId);

/** The named units as a decision is about to see them: each row, or that there is none. */
function asSeen(
  refs: { gtin: string; serial: string }[],
  units: Map<string, UnitRow>,
): NonNullable<DecidedWrites['decidedOn']> {
  const seen: UnitRow[] = [];
  const absent: { gtin: string; serial: string }[] = [];
  const named = new Set<string>();
  for (const ref of refs) {
    const key = unitKey(ref.gtin, ref.serial);
    if (named.has(key)) continue;
    named.add(key);
    const row = units.get(key);
    if (row) seen.push(row);
    else absent.push({ gtin: ref.gtin, serial: ref.serial });
  }
  return { seen, absent };
}

/** The verdicts of events already in the log, as a redelivery is answered. */
function priorVerdicts(sequenced: Map<string, SequencedEvent>): Map<string, LedgerVerdict> {
  const out = new Map<string, LedgerVerdict>();
  for (const [eventId, prior] of sequenced) {
    out.set(
      eventId,
      prior.entryType === 'event'
        ? { eventId, accepted: true, ledgerIndex: prior.index }
        : {
            eventId,
            accepted: false,
            code: prior.refusalCode ?? 'INVALID_STATE_TRANSITION',
            detail: `refused earlier; see alert entry ${prior.index}`,
            alertIndex: prior.index,
          },
    );
  }
  return out;
}
