interface Waiting<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers items from many concurrent jobs into batches of at most `maxItems`, or whatever
 * arrived within `maxWaitMs` of the first, and runs one flush at a time. Each caller gets the
 * results for its own items, in order, once the flush that contained them has committed.
 */
export class BatchCollector<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private waitingItems = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly maxItems: number,
    private readonly maxWaitMs: number,
    private readonly flush: (items: T[]) => Promise<R[]>,
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
    while (this.flushing || this.waiting.length > 0) {
      if (!this.flushing) this.startFlush();
      await this.flushing;
    }
  }

  private schedule() {
    if (this.flushing) return; // the running flush reschedules when it ends
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
    if (this.flushing || this.waiting.length === 0) return;
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
    this.flushing = this.run(taken).finally(() => {
      this.flushing = null;
      if (this.waiting.length > 0) this.schedule();
    });
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
