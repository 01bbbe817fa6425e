/** Events waiting for the single ledger sequencer (see docs/architecture.md). */
export const LEDGER_QUEUE = 'ledger-events';

/**
 * Events a person waits for at a counter (a dispense): a queue of their own, so that they
 * are not picked up behind bulk jobs and their callers do not read every bulk job's
 * completion to find their own (ADR 0013).
 */
export const LEDGER_INTERACTIVE_QUEUE = 'ledger-interactive';

export const ALL_QUEUES = [LEDGER_QUEUE, LEDGER_INTERACTIVE_QUEUE] as const;
