import { BatchCollector } from './batch-collector';

describe('BatchCollector', () => {
  it('batches concurrent callers and gives each its own results in order', async () => {
    const batches: number[][] = [];
    const c = new BatchCollector<number, number>(10, 5, async (items) => {
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
    const c = new BatchCollector<number, number>(3, 1000, async (items) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      batches.push(items);
      running--;
      return items;
    });
    const started = Date.now();
    await Promise.all([c.add([1, 2]), c.add([3, 4]), c.add([5]), c.add([6, 7, 8, 9])]);
    expect(Date.now() - started).toBeLessThan(900); // did not wait for the 1 s timer
    expect(maxRunning).toBe(1);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches).toContainEqual([6, 7, 8, 9]); // a caller larger than the limit stays whole
  });

  it('rejects every caller of a failed flush and keeps working afterwards', async () => {
    let fail = true;
    const c = new BatchCollector<number, number>(10, 1, async (items) => {
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
      2,
      1000,
      async (items) => {
        started.push(items);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return items.map((i) => -i);
      },
      2,
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
});
