import type { HttpAppOptions } from '@trace/http';

export const DISPENSING_API_HTTP: HttpAppOptions = {
  title: 'trace-ledger dispensing-api',
  description:
    'Hospital receipt, patients, prescriptions, dispensing with instant verification, administration, take-out.',
};
