import type { LedgerRefs, UnitRef } from '@trace/queue';

export const LEDGER_ENVELOPE_VERSION = 1;

/**
 * What a ledger entry says, versioned. The entry bytes are its RFC 8785 canonical JSON. The
 * envelope names its own index, so a reordered or transplanted row is caught by the verifier
 * even if its leaf hash was recomputed. It holds no personal data: patients appear only as a
 * pseudonymous reference.
 */
export interface LedgerEnvelope {
  v: typeof LEDGER_ENVELOPE_VERSION;
  index: number;
  type: 'event' | 'alert';
  eventId: string;
  eventTime: string;
  recordTime: string;
  action: string;
  actor: { sub: string; org: string; roles: string[] };
  units: UnitRef[];
  containers: string[];
  refs: LedgerRefs;
  context: Record<string, unknown>;
  /** The EPCIS 2.0 event as captured. */
  epcis: Record<string, unknown>;
  /** Present on alert entries: why the event was refused. */
  refusal?: { code: string; detail: string };
}

/** Drops undefined members (JCS has no undefined) without touching anything else. */
export function withoutUndefined<T extends object>(value: T): T {
  // A plain loop: this runs several times per entry on the sequencer's hot path.
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  return out as T;
}

export function parseEnvelope(entry: Buffer): LedgerEnvelope {
  return JSON.parse(entry.toString('utf8')) as LedgerEnvelope;
}
