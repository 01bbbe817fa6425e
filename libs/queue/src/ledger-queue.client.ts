import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, QueueEvents } from 'bullmq';
import { jobIdFor } from './job-options';
import type { LedgerEventInput, LedgerJobData, LedgerJobResult } from './ledger-job';
import { LEDGER_INTERACTIVE_QUEUE, LEDGER_QUEUE } from './queue-names';

export class LedgerTimeoutError extends Error {
  constructor(readonly jobId: string) {
    super('The ledger did not confirm in time');
  }
}

/** Events a job may carry: large enough to batch, small enough for one transaction. */
export const MAX_EVENTS_PER_JOB = 1000;

/** Splits events into jobs: at most MAX_EVENTS_PER_JOB each, atomic groups never split. */
export function jobChunks(events: LedgerEventInput[]): LedgerEventInput[][] {
  const chunks: LedgerEventInput[][] = [];
  let current: LedgerEventInput[] = [];
  let i = 0;
  while (i < events.length) {
    const group = events[i].atomicGroup;
    let end = i + 1;
    if (group !== undefined) while (end < events.length && events[end].atomicGroup === group) end++;
    const unit = events.slice(i, end);
    if (current.length > 0 && current.length + unit.length > MAX_EVENTS_PER_JOB) {
      chunks.push(current);
      current = [];
    }
    current.push(...unit);
    i = end;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface SubmitOptions {
  /**
   * A person waits for the verdict at a counter: the events go through the interactive queue
   * and the sequencer writes them in a batch of their own, ahead of bulk work. For single
   * events a user is waiting on, not for bulk.
   */
  interactive?: boolean;
}

/**
 * How producers hand events to the sequencer: many events per job, many jobs per Redis round
 * trip, and — for callers that must answer with the verdict (dispensing) — a bounded wait.
 */
@Injectable()
export class LedgerQueueClient implements OnApplicationShutdown {
  /** Completion listeners, one per queue, opened on the first wait for that queue. */
  private readonly events = new Map<Queue, Promise<QueueEvents>>();

  constructor(
    @InjectQueue(LEDGER_QUEUE) private readonly queue: Queue<LedgerJobData>,
    @InjectQueue(LEDGER_INTERACTIVE_QUEUE) private readonly interactiveQueue: Queue<LedgerJobData>,
  ) {}

  /**
   * Enqueues events in jobs of at most MAX_EVENTS_PER_JOB, with one addBulk; the events of
   * an atomic group stay together in one job whatever its size. The job id is derived from
   * the first event id so that a retried submission is deduplicated by BullMQ while the job
   * lives; `jobKey` overrides it (the recovery sweep's redeliveries need fresh ids). The
   * sequencer's unique event id covers the rest.
   */
  async submit(
    events: LedgerEventInput[],
    jobKey?: string,
    opts: SubmitOptions = {},
  ): Promise<Job<LedgerJobData>[]> {
    if (events.length === 0) return [];
    const jobs = [];
    for (const chunk of jobChunks(events)) {
      const key = `${jobKey ?? ''}${chunk[0].eventId}#${chunk.length}`;
      jobs.push({
        name: chunk[0].action,
        data: { events: chunk, ...(opts.interactive ? { interactive: true } : {}) },
        opts: { jobId: jobIdFor(key) },
      });
    }
    return this.queueFor(opts).addBulk(jobs);
  }

  private queueFor(opts: SubmitOptions): Queue<LedgerJobData> {
    return opts.interactive ? this.interactiveQueue : this.queue;
  }

  /** Enqueues and waits for the sequencer's verdicts (committed), or throws LedgerTimeoutError. */
  async submitAndWait(
    events: LedgerEventInput[],
    timeoutMs: number,
    opts: SubmitOptions = {},
  ): Promise<LedgerJobResult> {
    const queueEvents = await this.queueEvents(this.queueFor(opts));
    const jobs = await this.submit(events, undefined, opts);
    try {
      const results = await Promise.all(
        jobs.map(
          (job) => job.waitUntilFinished(queueEvents, timeoutMs) as Promise<LedgerJobResult>,
        ),
      );
      return results.flat();
    } catch (err) {
      if (/timed out/i.test((err as Error).message)) {
        throw new LedgerTimeoutError(jobs[0].id ?? '');
      }
      throw err;
    }
  }

  private queueEvents(queue: Queue): Promise<QueueEvents> {
    let events = this.events.get(queue);
    if (!events) {
      const listener = new QueueEvents(queue.name, {
        connection: queue.opts.connection,
        prefix: queue.opts.prefix,
      });
      events = listener.waitUntilReady().then(
        () => listener,
        async (err: unknown) => {
          // Not kept: the next wait opens a new listener.
          this.events.delete(queue);
          await listener.close();
          throw err;
        },
      );
      this.events.set(queue, events);
    }
    return events;
  }

  async onApplicationShutdown(): Promise<void> {
    const listeners = await Promise.allSettled(this.events.values());
    for (const l of listeners) if (l.status === 'fulfilled') await l.value.close();
  }
}
