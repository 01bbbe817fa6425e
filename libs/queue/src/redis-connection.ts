import type { RedisConfig } from '@trace/config';
import type { RedisOptions } from 'bullmq';

/**
 * Connection settings shared by queues and workers. BullMQ workers need
 * `maxRetriesPerRequest: null` (blocking commands must wait through reconnects).
 */
export function redisConnectionOptions(redis: RedisConfig): RedisOptions {
  return {
    host: redis.host,
    port: redis.port,
    password: redis.password,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
