import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@trace/config';
import {
  DomainUnitEventEvaluator,
  LedgerSequencer,
  NamedStatementPool,
  PreparedWrites,
  SqlExecutor,
} from '@trace/ledger-store';
import {
  LEDGER_INTERACTIVE_QUEUE,
  LEDGER_QUEUE,
  LedgerEventInput,
  LedgerJobData,
  LedgerJobResult,
  LedgerVerdict,
  redisConnectionOptions,
} from '@trace/queue';
import { Job, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { CheckpointSignerService } from '../checkpoints/checkpoint-signer.service';
import { BatchCollector } from './batch-collector';
import { LeaderLock } from './leader-lock';
import { SequencerMetrics } from './sequencer-metrics';

/**
 * Interactive jobs taken at once: each is one counter's event, and the collector flushes all
 * that wait in one urgent batch.
 */
const INTERACTIVE_CONCURRENCY = 32;

/**
 * The ledger-writer's life: wait for the leader lock, then consume the ledger queue with many
 * jobs in flight, funnel their events into batches and sequence each batch in one
 * transaction. A job completes (with its verdicts) only after its batch committed.
 */
@Injectable()
export class SequencerWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SequencerWorkerService.name);
  private readonly lock: LeaderLock;
  private readonly sequencer: LedgerSequencer;
  private readonly collector: BatchCollector<LedgerEventInput, LedgerVerdict>;
  private workers: Worker<LedgerJobData, LedgerJobResult>[] = [];
  private leading = false;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: AppConfig,
    @InjectDataSource() dataSource: DataSource,
    private readonly metrics: SequencerMetrics,
    private readonly checkpoints: CheckpointSignerService,
  ) {
    this.lock = new LeaderLock(cfg.database, (err) => this.lostLeadership(err));
    this.sequencer = new LedgerSequencer(
      (work) => dataSource.transaction((manager) => work(manager as unknown as SqlExecutor)),
      new DomainUnitEventEvaluator(),
      () => new Date(),
      // Reads outside the transaction let the next batch be decided while one is written; a
      // small batch's one-statement write goes as a prepared statement, planned once.
      new PreparedWrites((dataSource.driver as PostgresDriver).master as NamedStatementPool),
    );
    this.collector = new BatchCollector(
      {
        maxItems: cfg.ledger.batchMaxEvents,
        maxWaitMs: cfg.ledger.batchMaxWaitMs,
        maxFlushes: cfg.ledger.pipelineDepth,
        maxItemsWhileUrgent: cfg.ledger.batchMaxEventsWhileInteractive,
        maxFlushesWhileUrgent: cfg.ledger.pipelineDepthWhileInteractive,
      },
      (events, urgent) =>
        this.metrics
          .timeBatch(events.length, urgent ? 'interactive' : 'bulk', () =>
            this.sequencer.sequence(events, { urgent }),
          )
          .finally(() => this.metrics.pipeline(this.sequencer.stats)),
    );
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** How the sequencer has written the batches so far (its gauges say the same). */
  get stats(): Readonly<LedgerSequencer['stats']> {
    return this.sequencer.stats;
  }

  onApplicationBootstrap(): void {
    // Not awaited: a standby keeps answering health checks while it waits for the lock.
    void this.lead();
  }

  private async lead() {
    if (!(await this.lock.acquire())) return;
    this.leading = true;
    this.metrics.leader.set(1);
    this.checkpoints.start();
    // Interactive jobs have a worker of their own: they never wait for a slot behind bulk
    // jobs held in the collector (ADR 0013).
    this.workers = [
      this.consume(LEDGER_QUEUE, this.cfg.ledger.workerConcurrency),
      this.consume(LEDGER_INTERACTIVE_QUEUE, INTERACTIVE_CONCURRENCY),
    ];
  }

  private consume(queue: string, concurrency: number): Worker<LedgerJobData, LedgerJobResult> {
    const worker = new Worker<LedgerJobData, LedgerJobResult>(
      queue,
      (job: Job<LedgerJobData>) => {
        const events = job.data.events ?? [];
        return this.collector.add(events, {
          urgent: job.data.interactive === true,
          // Atomic groups must be decided in one transaction; other jobs may be split.
          divisible: !events.some((e) => e.atomicGroup !== undefined),
        });
      },
      {
        connection: redisConnectionOptions(this.cfg.redis),
        prefix: this.cfg.redis.prefix,
        concurrency,
        // After a crash (kill -9) the dead leader's jobs are picked up again once their locks
        // lapse: keep that short. Re-running a job is harmless (unique event ids), so a job
        // may stall many times without being failed.
        lockDuration: 15_000,
        stalledInterval: 5_000,
        maxStalledCount: 1000,
      },
    );
    worker.on('failed', (job, err) =>
      this.logger.warn(
        `${queue} job ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`,
      ),
    );
    worker.on('error', (err) => this.logger.error(`${queue} worker: ${err.message}`));
    return worker;
  }

  /** Losing the lock session means another instance may lead: stop at once, crash-only. */
  private lostLeadership(err: Error) {
    if (!this.leading) return;
    this.logger.error(`leader lock lost (${err.message}); exiting so a supervisor restarts us`);
    process.exit(1);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.collector.drain();
    await this.lock.release();
  }
}
