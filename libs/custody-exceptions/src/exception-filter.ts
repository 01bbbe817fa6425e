export const EXCEPTION_TYPES = [
  'MISSING',
  'UNEXPECTED',
  'LOT_MISMATCH',
  'COLD_CHAIN_EXCURSION',
  'COUNT_VARIANCE',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

/**
 * open: not resolved (overdue ones included); overdue: open past its deadline; resolved;
 * all: every exception.
 */
export const EXCEPTION_STATUSES = ['open', 'overdue', 'resolved', 'all'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

export interface ExceptionFilter {
  status: ExceptionStatus;
  type?: ExceptionType;
  /** The organisation that must resolve it. */
  ownerCode?: string;
  /** Opened at or after. */
  from?: Date;
  /** Opened before. */
  to?: Date;
  page: number;
  pageSize: number;
}

/**
 * The WHERE clause of an exception listing and its parameters ($1…). `scopeOrg` limits it
 * to the exceptions an organisation owns or found; null (oversight) sees every one.
 */
export function exceptionFilterSql(
  filter: Omit<ExceptionFilter, 'page' | 'pageSize'>,
  scopeOrg: string | null,
): { whereSql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (scopeOrg !== null) {
    const org = param(scopeOrg);
    where.push(`(owner_org = ${org} OR opened_org = ${org})`);
  }
  if (filter.status === 'open') where.push('resolved_at IS NULL');
  if (filter.status === 'overdue') where.push('resolved_at IS NULL AND due_by < now()');
  if (filter.status === 'resolved') where.push('resolved_at IS NOT NULL');
  if (filter.type) where.push(`type = ${param(filter.type)}`);
  if (filter.ownerCode) where.push(`owner_org = ${param(filter.ownerCode)}`);
  if (filter.from) where.push(`opened_at >= ${param(filter.from.toISOString())}`);
  if (filter.to) where.push(`opened_at < ${param(filter.to.toISOString())}`);
  return { whereSql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}
