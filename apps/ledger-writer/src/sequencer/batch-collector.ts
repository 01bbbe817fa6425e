interface Waiting<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers items from many concurrent jobs into batches of at most `maxItems`, or whatever
 * arrived within `maxWaitMs` of the first, and runs up to `maxFlushes` flushes at a time
 * (started in order; the sequencer pipelines them). Each caller gets the results for its own
 * items, in order, once the flush that contained them has committed.
 */
export class BatchCollector<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private waitingItems = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly maxItems: number,
    private readonly maxWaitMs: number,
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxFlushes = 1,
  ) {}

  add(items: T[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.waitingItems += items.length;
      this.schedule();
    });
  }

  /** Resolves when nothing is waiting or being flushed (for a clean shutdown). */
  async drain(): Promise<void> {
    while (this.flushing.size > 0 || this.waiting.length > 0) {
      if (this.flushing.size < this.maxFlushes) this.startFlush();
      await Promise.race(this.flushing);
    }
  }

  private schedule() {
    if (this.flushing.size >= this.maxFlushes) return; // a running flush reschedules when it ends
    if (this.waitingItems >= this.maxItems) {
      this.startFlush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.startFlush(), this.maxWaitMs);
    }
  }

  private startFlush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing.size >= this.maxFlushes || this.waiting.length === 0) return;
    // Whole callers only: a job's events are never split across two transactions.
    const taken: Waiting<T, R>[] = [];
    let count = 0;
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (taken.length > 0 && count + next.items.length > this.maxItems) break;
      taken.push(this.waiting.shift() as Waiting<T, R>);
      count += next.items.length;
    }
    this.waitingItems -= count;
    const flushing: Promise<void> = this.run(taken).finally(() => {
      this.flushing.delete(flushing);
      if (this.waiting.length > 0) this.schedule();
    });
    this.flushing.add(flushing);
    // A full batch may be waiting already: start it too if there is room.
    if (this.waitingItems >= this.maxItems) this.schedule();
  }

  private async run(taken: Waiting<T, R>[]) {
    try {
      const results = await this.flush(taken.flatMap((w) => w.items));
      let offset = 0;
      for (const w of taken) {
        w.resolve(results.slice(offset, offset + w.items.length));
        offset += w.items.length;
      }
    } catch (err) {
      for (const w of taken) w.reject(err);
    }
  }
}
