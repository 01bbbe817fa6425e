import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { LEDGER_INTERACTIVE_QUEUE, LEDGER_QUEUE } from './queue-names';

const PING_TIMEOUT_MS = 1000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Redis answers, and how many ledger events wait for the sequencer. */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    @InjectQueue(LEDGER_QUEUE) private readonly ledgerQueue: Queue,
    @InjectQueue(LEDGER_INTERACTIVE_QUEUE) private readonly interactiveQueue: Queue,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'redis') {
    const indicator = this.health.check(key);
    try {
      // Counting the backlog is the ping: it needs a live Redis round trip.
      const [counts, interactive] = await withTimeout(
        Promise.all(
          [this.ledgerQueue, this.interactiveQueue].map((q) =>
            q.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          ),
        ),
        PING_TIMEOUT_MS,
        'Redis',
      );
      return indicator.up({ ledgerQueue: counts, interactiveQueue: interactive });
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }
}
