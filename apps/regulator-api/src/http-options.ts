import type { HttpAppOptions } from '@trace/http';

export const REGULATOR_API_HTTP: HttpAppOptions = {
  title: 'trace-ledger regulator-api',
  description:
    'Master data (organisations, locations, products, approvals), regulator queries and the ledger reads. Errors are application/problem+json with a stable code.',
};
