import type { RedisConfig } from '@trace/config';
import { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix` (a deployment's, a test's or a benchmark's queues): what a
 * throw-away environment leaves in a shared Redis. Kept completed jobs of 1,000 events are
 * ~0.7 MB each, so a benchmark that leaves its prefix behind leaves hundreds of MB.
 */
export async function deleteQueueKeys(redis: RedisConfig, prefix: string): Promise<void> {
  const client = new Redis({
    host: redis.host,
    port: redis.port,
    password: redis.password,
    lazyConnect: true,
  });
  await client.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
