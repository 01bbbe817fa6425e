import { BatchCollector } from './batch-collector';

describe('BatchCollector', () => {
  it('batches concurrent callers and gives each its own results in order', async () => {
    const batches: number[][] = [];
    const c = new BatchCollector<number, number>({ maxItems: 10, maxWaitMs: 5 }, async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const [a, b] = await Promise.all([c.add([1, 2]), c.add([3])]);
    expect(a).toEqual([10, 20]);
    expect(b).toEqual([30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes at once when a batch is full, never splits a caller, runs one flush at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    const batches: number[][] = [];
    const c = new BatchCollector<number, number>(
      { maxItems: 3, maxWaitMs: 1000 },
      async (items) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        batches.push(items);
        running--;
        return items;
      },
    );
    const started = Date.now();
    await Promise.all([c.add([1, 2]), c.add([3, 4]), c.add([5]), c.add([6, 7, 8, 9])]);
    expect(Date.now() - started).toBeLessThan(900); // did not wait for the 1 s timer
    expect(maxRunning).toBe(1);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches).toContainEqual([6, 7, 8, 9]); // a caller larger than the limit stays whole
  });

  it('rejects every caller of a failed flush and keeps working afterwards', async () => {
    let fail = true;
    const c = new BatchCollector<number, number>({ maxItems: 10, maxWaitMs: 1 }, async (items) => {
      if (fail) throw new Error('database down');
      return items;
    });
    await expect(Promise.all([c.add([1]), c.add([2])])).rejects.toThrow('database down');
    fail = false;
    await expect(c.add([3])).resolves.toEqual([3]);
    await c.drain();
  });

  it('runs up to maxFlushes flushes at once, started in order', async () => {
    let running = 0;
    let maxRunning = 0;
    const started: number[][] = [];
    const c = new BatchCollector<number, number>(
      { maxItems: 2, maxWaitMs: 1000, maxFlushes: 2 },
      async (items) => {
        started.push(items);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return items.map((i) => -i);
      },
    );
    const results = await Promise.all([c.add([1, 2]), c.add([3, 4]), c.add([5, 6]), c.add([7, 8])]);
    expect(results).toEqual([
      [-1, -2],
      [-3, -4],
      [-5, -6],
      [-7, -8],
    ]);
    expect(maxRunning).toBe(2);
    expect(started).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    await c.drain();
  });

  /** A flush that takes `ms` and records what it was given. */
  function slowFlush(ms: number, batches: number[][]) {
    return async (items: number[]) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, ms));
      return items.map((i) => i * 10);
    };
  }

  it('splits a divisible caller across batches and answers it once, in order', async () => {
    const batches: number[][] = [];
    const c = new BatchCollector<number, number>(
      { maxItems: 3, maxWaitMs: 1000 },
      slowFlush(1, batches),
    );
    const [a, b] = await Promise.all([
      c.add([1, 2, 3, 4, 5, 6, 7], { divisible: true }),
      c.add([8, 9]),
    ]);
    expect(a).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(b).toEqual([80, 90]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it('flushes an urgent caller at once, in a slot of its own, ahead of waiting bulk work', async () => {
    const batches: number[][] = [];
    let now = 0;
    const c = new BatchCollector<number, number>(
      { maxItems: 100, maxWaitMs: 30, maxFlushes: 1, maxItemsWhileUrgent: 2, urgentWindowMs: 50 },
      slowFlush(5, batches),
      () => now,
    );
    const bulk = c.add([1, 2, 3, 4, 5], { divisible: true }); // waits for more, up to 30 ms
    await expect(c.add([99], { urgent: true })).resolves.toEqual([990]);
    expect(batches).toEqual([[99]]);
    // Urgent callers about: bulk batches are capped at 2.
    await expect(bulk).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[99], [1, 2], [3, 4], [5]]);
    now = 1000; // the counters went quiet: full batches again
    await c.add([6, 7, 8], { divisible: true });
    expect(batches[batches.length - 1]).toEqual([6, 7, 8]);
  });

  it('runs fewer bulk flushes at once while urgent callers are about, and tells the flush which is urgent', async () => {
    let now = 0;
    let running = 0;
    const peaks: number[] = [];
    const urgentFlags: boolean[] = [];
    const c = new BatchCollector<number, number>(
      { maxItems: 2, maxWaitMs: 1000, maxFlushes: 2, maxFlushesWhileUrgent: 1, urgentWindowMs: 50 },
      async (items, urgent) => {
        urgentFlags.push(urgent);
        if (!urgent) peaks.push(++running);
        await new Promise((r) => setTimeout(r, 5));
        if (!urgent) running--;
        return items;
      },
      () => now,
    );
    await Promise.all([c.add([1, 2]), c.add([3, 4]), c.add([5, 6])]);
    expect(Math.max(...peaks)).toBe(2);
    await c.add([0], { urgent: true });
    peaks.length = 0;
    await Promise.all([c.add([1, 2]), c.add([3, 4]), c.add([5, 6])]);
    expect(Math.max(...peaks)).toBe(1);
    expect(urgentFlags.filter(Boolean)).toHaveLength(1);
    now = 1000; // quiet counters: pipelined again
    peaks.length = 0;
    await Promise.all([c.add([1, 2]), c.add([3, 4]), c.add([5, 6])]);
    expect(Math.max(...peaks)).toBe(2);
  });

  it('answers a split caller with the failure of any of its batches, once', async () => {
    let calls = 0;
    const c = new BatchCollector<number, number>({ maxItems: 2, maxWaitMs: 1 }, async (items) => {
      if (++calls === 2) throw new Error('write failed');
      return items;
    });
    await expect(c.add([1, 2, 3, 4, 5], { divisible: true })).rejects.toThrow('write failed');
    await c.drain();
    expect(calls).toBe(2); // the rest of the failed caller is not written: its retry resends it
    await expect(c.add([6])).resolves.toEqual([6]);
  });
});
