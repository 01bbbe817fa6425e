export * from './health.controller';
export * from './observability.module';
export * from './latency-buckets';
