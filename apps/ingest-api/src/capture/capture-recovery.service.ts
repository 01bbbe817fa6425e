import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig, appConfig } from '@trace/config';
import { CaptureInbox } from './capture-inbox';
import { CaptureSubmissionService } from './capture-submission.service';

const CLAIM_LIMIT = 50;

/**
 * Accepted means never lost: captures whose events are not all in the ledger some time
 * after acceptance (a Redis flush or restart lost their jobs, a job failed for good) are
 * enqueued again under fresh job ids. Redelivery is harmless: the sequencer answers an event
 * id it already holds with its earlier verdict.
 */
@Injectable()
export class CaptureRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CaptureRecoveryService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly inbox: CaptureInbox,
    private readonly submission: CaptureSubmissionService,
    @Inject(appConfig.KEY) private readonly cfg: AppConfig,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep(), this.cfg.ingest.recoveryIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; returns how many events were enqueued again. Never runs twice at once. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce()
      .catch((err: Error) => {
        this.log.warn(
          `recovery sweep failed, next one in ${this.cfg.ingest.recoveryIntervalMs} ms: ${err.message}`,
        );
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    let redelivered = 0;
    for (;;) {
      const overdue = await this.inbox.claimOverdue(this.cfg.ingest.redeliverAfterMs, CLAIM_LIMIT);
      for (const capture of overdue) {
        this.log.warn(
          `capture ${capture.captureId}: ${capture.events.length} events not in the ledger, enqueued again (redelivery ${capture.redeliveries})`,
        );
        await this.submission.enqueue(
          capture.captureId,
          capture.events,
          `r${capture.redeliveries}-`,
        );
        redelivered += capture.events.length;
      }
      if (overdue.length < CLAIM_LIMIT) return redelivered;
    }
  }
}
