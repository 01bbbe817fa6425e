import type { JobsOptions } from 'bullmq';
import { createHash } from 'node:crypto';

/**
 * Defaults for every job: retried with exponential backoff and jitter (so that a crowd of
 * retries does not hit a recovering database in step), the last completed jobs kept for an
 * hour for inspection in Bull Board, failed jobs kept two weeks for a redrive. A job carries
 * up to 1,000 events (~0.7 MB with its verdicts) and the events live on in PostgreSQL, so
 * keeping many completed jobs would only fill Redis.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 500 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

const SAFE_JOB_ID = /^[A-Za-z0-9_.-]{1,120}$/;

/**
 * BullMQ job ids may not contain ':' nor be plain integers. Ids that are safe are kept
 * readable (prefixed so they are never numeric); anything else — EPCIS event ids such as
 * `urn:uuid:…` or `ni:///sha-256;…` — becomes a SHA-256 of the id. Deterministic, so a
 * re-submitted job with the same key is deduplicated while the first is still in Redis.
 * The real guard against duplicates is the unique event id in PostgreSQL.
 */
export function jobIdFor(key: string): string {
  if (SAFE_JOB_ID.test(key)) return `j-${key}`;
  return `h-${createHash('sha256').update(key).digest('hex')}`;
}
