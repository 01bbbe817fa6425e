import type { HttpAppOptions } from '@trace/http';

export const INGEST_API_HTTP: HttpAppOptions = {
  title: 'trace-ledger ingest-api',
  description:
    'Scans from handheld scanners and EPCIS 2.0 capture from partners, into the ledger queue.',
  jsonTypes: ['application/ld+json'],
};
