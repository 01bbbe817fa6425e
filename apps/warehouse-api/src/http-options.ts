import type { HttpAppOptions } from '@trace/http';

export const WAREHOUSE_API_HTTP: HttpAppOptions = {
  title: 'trace-ledger warehouse-api',
  description:
    'Import declarations, arrival, bonded-warehouse receipt, inspection, customs release, shipment to hospitals.',
};
