/** Events waiting for the single ledger sequencer (see docs/architecture.md). */
export const LEDGER_QUEUE = 'ledger-events';

export const ALL_QUEUES = [LEDGER_QUEUE] as const;
