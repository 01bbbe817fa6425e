import { Injectable, Logger } from '@nestjs/common';
import { LedgerQueueClient, LedgerEventInput } from '@trace/queue';
import { CaptureInbox, NewCapture } from './capture-inbox';

/**
 * The promise behind a 202: the capture row is committed first, then the events are
 * enqueued with one addBulk. If Redis is away the request still succeeds — the row is the
 * promise, and the recovery sweep enqueues what the ledger has not seen.
 */
@Injectable()
export class CaptureSubmissionService {
  private readonly log = new Logger(CaptureSubmissionService.name);

  constructor(
    private readonly inbox: CaptureInbox,
    private readonly queue: LedgerQueueClient,
  ) {}

  async accept(capture: NewCapture): Promise<void> {
    await this.inbox.insert(capture);
    await this.enqueue(capture.captureId, capture.events);
  }

  async enqueue(captureId: string, events: LedgerEventInput[], jobKey?: string): Promise<void> {
    try {
      await this.queue.submit(events, jobKey);
    } catch (err) {
      this.log.warn(
        `capture ${captureId}: ${events.length} events kept for the recovery sweep, queue refused them: ${(err as Error).message}`,
      );
    }
  }
}
