import type { LedgerEventInput } from './ledger-job';
import { jobChunks, MAX_EVENTS_PER_JOB } from './ledger-queue.client';

const ev = (id: number, atomicGroup?: string) =>
  ({ eventId: `e${id}`, ...(atomicGroup ? { atomicGroup } : {}) }) as LedgerEventInput;

describe('jobChunks', () => {
  it('cuts plain events into jobs of at most MAX_EVENTS_PER_JOB', () => {
    const chunks = jobChunks(Array.from({ length: 2500 }, (_, i) => ev(i)));
    expect(chunks.map((c) => c.length)).toEqual([MAX_EVENTS_PER_JOB, MAX_EVENTS_PER_JOB, 500]);
  });

  it('never splits an atomic group, however large, and keeps the order', () => {
    const events = [
      ...Array.from({ length: 900 }, (_, i) => ev(i)),
      ...Array.from({ length: 1500 }, (_, i) => ev(1000 + i, 'g1')),
      ...Array.from({ length: 10 }, (_, i) => ev(3000 + i, 'g2')),
    ];
    const chunks = jobChunks(events);
    expect(chunks.map((c) => c.length)).toEqual([900, 1500, 10]);
    expect(chunks.flat()).toEqual(events);
    for (const chunk of chunks) expect(new Set(chunk.map((e) => e.atomicGroup)).size).toBe(1);
  });
});
