import type { HttpAppOptions } from '@trace/http';

export const LEDGER_WRITER_HTTP: HttpAppOptions = {
  title: 'trace-ledger ledger-writer',
  description:
    'The single ledger sequencer: health and metrics only (it consumes the ledger queue; nothing to call).',
};
