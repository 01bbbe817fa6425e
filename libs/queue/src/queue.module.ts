import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig, appConfig } from '@trace/config';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { LedgerQueueClient } from './ledger-queue.client';
import { QueueHealthIndicator } from './queue-health';
import { ALL_QUEUES } from './queue-names';
import { redisConnectionOptions } from './redis-connection';

/**
 * BullMQ connection, prefix and job defaults in one place. @nestjs/bullmq closes queues and
 * workers when the application shuts down (enableShutdownHooks is set at bootstrap).
 */
@Global()
@Module({
  imports: [
    TerminusModule,
    BullModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: AppConfig) => ({
        connection: redisConnectionOptions(cfg.redis),
        prefix: cfg.redis.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [QueueHealthIndicator, LedgerQueueClient],
  exports: [BullModule, QueueHealthIndicator, LedgerQueueClient],
})
export class QueueModule {}
