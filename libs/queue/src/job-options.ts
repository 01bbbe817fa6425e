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

/**
 * An event id derived from what identifies the event (RFC 9562 version 8 UUID of a SHA-256):
 * the same parts give the same id, so a re-sent event is recognised by the sequencer as the
 * one it already holds.
 */
export function derivedEventId(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
