export interface CollectOptions {
  /** A person waits for the answer (a dispense at the counter): flushed at once, ahead of bulk. */
  urgent?: boolean;
  /** The caller's items may go to the ledger in more than one batch (no atomic group). */
  divisible?: boolean;
}

export interface BatchCollectorLimits {
  /** Largest bulk batch. */
  maxItems: number;
  /** How long the first waiting bulk item waits for others. */
  maxWaitMs: number;
  /** Bulk flushes at once (the sequencer pipelines them); urgent flushes get one more slot. */
  maxFlushes?: number;
  /**
   * Largest bulk batch while urgent callers have been seen within `urgentWindowMs`: what an
   * urgent item can find in flight ahead of it is at most this much work per slot.
   */
  maxItemsWhileUrgent?: number;
  /**
   * Bulk flushes at once while urgent callers are about: with one, an urgent batch is decided
   * on top of at most one bulk batch and written right after it, never behind a second one
   * already decided ahead.
   */
  maxFlushesWhileUrgent?: number;
  urgentWindowMs?: number;
}

interface Caller<T, R> {
  items: T[];
  divisible: boolean;
  /** Items handed to flushes so far. */
  handedOut: number;
  /** Pieces handed out and not yet answered. */
  outstanding: number;
  results: R[];
  failed: boolean;
  resolve: (results: R[]) => void;
  reject: (err: unknown) => void;
}

interface Piece<T, R> {
  caller: Caller<T, R>;
  start: number;
  count: number;
}

/**
 * Gathers items from many concurrent jobs into batches, and runs up to `maxFlushes` flushes
 * at a time (started in order; the sequencer pipelines them). Each caller gets the results
 * for its own items, in order, once every flush that contained them has committed.
 *
 * Bulk items wait up to `maxWaitMs` for others, into batches of at most `maxItems`; a caller
 * is split across batches only when divisible. Urgent items skip the wait and the bulk queue:
 * they are flushed at once in a batch of their own, in a slot of their own. What still delays
 * them is the bulk work already in flight, so while urgent callers are about, bulk batches are
 * capped at `maxItemsWhileUrgent`.
 */
export class BatchCollector<T, R> {
  private readonly bulk: Caller<T, R>[] = [];
  private bulkItems = 0;
  private readonly urgent: Caller<T, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly bulkFlushing = new Set<Promise<void>>();
  private urgentFlushing: Promise<void> | null = null;
  private lastUrgentAt = -Infinity;
  private readonly limits: Required<BatchCollectorLimits>;

  constructor(
    limits: BatchCollectorLimits,
    private readonly flush: (items: T[], urgent: boolean) => Promise<R[]>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = {
      maxFlushes: 1,
      maxItemsWhileUrgent: limits.maxItems,
      urgentWindowMs: 10_000,
      ...limits,
      maxFlushesWhileUrgent: limits.maxFlushesWhileUrgent ?? limits.maxFlushes ?? 1,
    };
  }

  add(items: T[], opts: CollectOptions = {}): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const caller: Caller<T, R> = {
        items,
        divisible: opts.divisible === true,
        handedOut: 0,
        outstanding: 0,
        results: new Array<R>(items.length),
        failed: false,
        resolve,
        reject,
      };
      if (opts.urgent) {
        this.lastUrgentAt = this.now();
        this.urgent.push(caller);
        this.startUrgentFlush();
      } else {
        this.bulk.push(caller);
        this.bulkItems += items.length;
        this.scheduleBulk();
      }
    });
  }

  /** Resolves when nothing is waiting or being flushed (for a clean shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      this.startUrgentFlush();
      if (this.bulkFlushing.size < this.bulkSlots) this.startBulkFlush();
      const running = [...this.bulkFlushing];
      if (this.urgentFlushing) running.push(this.urgentFlushing);
      if (running.length === 0) {
        // Whatever is still queued belongs to callers already answered with a failure.
        if (this.bulk.length === 0 && this.urgent.length === 0) return;
        continue;
      }
      await Promise.race(running);
    }
  }

  private get urgentAbout(): boolean {
    return this.now() - this.lastUrgentAt < this.limits.urgentWindowMs;
  }

  private get bulkCap(): number {
    return this.urgentAbout ? this.limits.maxItemsWhileUrgent : this.limits.maxItems;
  }

  private get bulkSlots(): number {
    return this.urgentAbout ? this.limits.maxFlushesWhileUrgent : this.limits.maxFlushes;
  }

  private startUrgentFlush() {
    if (this.urgentFlushing || this.urgent.length === 0) return;
    const callers = this.urgent.splice(0, this.urgent.length);
    const pieces = callers.map((caller) => this.take(caller, caller.items.length));
    const flushing = this.run(pieces, true).finally(() => {
      this.urgentFlushing = null;
      this.startUrgentFlush();
    });
    this.urgentFlushing = flushing;
  }

  private scheduleBulk() {
    if (this.bulkFlushing.size >= this.bulkSlots) return; // a flush reschedules on end
    if (this.bulkItems >= this.bulkCap) {
      this.startBulkFlush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.startBulkFlush(), this.limits.maxWaitMs);
    }
  }

  private startBulkFlush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.bulkFlushing.size >= this.bulkSlots || this.bulk.length === 0) return;
    const cap = this.bulkCap;
    const pieces: Piece<T, R>[] = [];
    let count = 0;
    while (this.bulk.length > 0 && count < cap) {
      const caller = this.bulk[0];
      const left = caller.items.length - caller.handedOut;
      if (caller.failed) {
        // An earlier piece failed and the caller was answered: its retry resends the rest.
        this.bulk.shift();
        this.bulkItems -= left;
        continue;
      }
      // An indivisible caller goes whole: alone if it is larger than the batch.
      if (!caller.divisible && pieces.length > 0 && count + left > cap) break;
      const n = caller.divisible ? Math.min(left, cap - count) : left;
      pieces.push(this.take(caller, n));
      count += n;
      if (caller.handedOut === caller.items.length) this.bulk.shift();
    }
    this.bulkItems -= count;
    if (pieces.length === 0) return;
    const flushing: Promise<void> = this.run(pieces, false).finally(() => {
      this.bulkFlushing.delete(flushing);
      if (this.bulk.length > 0) this.scheduleBulk();
    });
    this.bulkFlushing.add(flushing);
    // A full batch may be waiting already: start it too if there is room.
    if (this.bulkItems >= this.bulkCap) this.scheduleBulk();
  }

  private take(caller: Caller<T, R>, count: number): Piece<T, R> {
    const piece = { caller, start: caller.handedOut, count };
    caller.handedOut += count;
    caller.outstanding++;
    return piece;
  }

  private async run(pieces: Piece<T, R>[], urgent: boolean) {
    let results: R[];
    try {
      results = await this.flush(
        pieces.flatMap((p) => p.caller.items.slice(p.start, p.start + p.count)),
        urgent,
      );
    } catch (err) {
      for (const { caller } of pieces) {
        caller.outstanding--;
        if (!caller.failed) {
          // Pieces already committed stay committed; the job's retry finds them by event id.
          caller.failed = true;
          caller.reject(err);
        }
      }
      return;
    }
    let offset = 0;
    for (const { caller, start, count } of pieces) {
      for (let i = 0; i < count; i++) caller.results[start + i] = results[offset + i];
      offset += count;
      caller.outstanding--;
      if (!caller.failed && caller.outstanding === 0 && caller.handedOut === caller.items.length) {
        caller.resolve(caller.results);
      }
    }
  }
}
