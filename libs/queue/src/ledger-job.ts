/** A pack as an event names it; lot and expiry are what the scan said, if it said. */
export interface UnitRef {
  gtin: string;
  serial: string;
  lot?: string;
  expiry?: string;
}

/** References an entry carries to the paperwork it acted under. */
export interface LedgerRefs {
  declarationNo?: string;
  approvalNo?: string;
  prescriptionId?: string;
  shipmentId?: string;
  captureId?: string;
  recallId?: string;
  correctsEventId?: string;
}

/**
 * One event for the sequencer. Producers build the EPCIS 2.0 form; the sequencer checks the
 * action against the current state of the units and appends an entry (or an alert entry).
 */
export interface LedgerEventInput {
  /** Globally unique; the idempotency key that makes redelivery harmless. */
  eventId: string;
  /** A UnitAction of @trace/domain. */
  action: string;
  /** ISO 8601 with offset. */
  eventTime: string;
  actor: { sub: string; org: string; roles: string[] };
  /** The EPCIS 2.0 event (JSON-LD form, without @context). */
  epcis: Record<string, unknown>;
  units: UnitRef[];
  /** SSCCs of pallets or cases the event concerns (their custody history). */
  containers?: string[];
  refs?: LedgerRefs;
  /** Facts the rules need that are not in the units' state (destination, patient, reason…). */
  context?: Record<string, unknown>;
  /**
   * Events sharing a group are all accepted or all refused (EPCIS capture with rollback).
   * They travel in one job, so the sequencer sees them in one batch, one after another.
   */
  atomicGroup?: string;
  /**
   * The rows of `units` as the producer read them just before (the units table's columns, by
   * name; a unit not among them did not exist). The sequencer may decide a counter's event on
   * them instead of reading them again: the write then holds only if they, and the event's
   * absence from the log, are still so, and the event is otherwise decided again (ADR 0018).
   * Never stored in the entry.
   */
  unitsAsRead?: Record<string, unknown>[];
}

export type LedgerVerdict =
  | { eventId: string; accepted: true; ledgerIndex: number; duplicate?: boolean }
  | {
      eventId: string;
      accepted: false;
      code: string;
      detail: string;
      /** Where the refused attempt was recorded as an alert entry. */
      alertIndex: number;
      duplicate?: boolean;
    };

export interface LedgerJobData {
  events: LedgerEventInput[];
  /** Someone waits for the verdict (a dispense at the counter): written ahead of bulk work. */
  interactive?: boolean;
}

export type LedgerJobResult = LedgerVerdict[];
