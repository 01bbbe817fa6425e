export * from './job-options';
export * from './queue-health';
export * from './queue-names';
export * from './queue.module';
export * from './redis-connection';
export * from './ledger-job';
export * from './ledger-queue.client';
export * from './queue-keys';
