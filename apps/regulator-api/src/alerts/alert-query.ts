/**
 * What does not add up, from three stores (domain.md §5.6):
 * - REFUSED_EVENT: an attempt the sequencer refused and recorded as an alert entry;
 * - DUPLICATE_CODE_USE: the same, when the refusal says a code was used twice (announced
 *   again, named twice, or dispensed again: one box, one sale);
 * - COLD_CHAIN_EXCURSION: a custody exception opened for a reading outside a product's
 *   storage range (its packs were held through the ledger);
 * - TAKEOUT_CYCLE_ANOMALY: a refused early take-out refill (prescription_alerts, with its
 *   RECORD entry in the ledger).
 */
export const ALERT_KINDS = [
  'REFUSED_EVENT',
  'DUPLICATE_CODE_USE',
  'COLD_CHAIN_EXCURSION',
  'TAKEOUT_CYCLE_ANOMALY',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Refusal codes that mean a pack's code was used more than once. */
export const DUPLICATE_USE_CODES = ['DUPLICATE_CODE_USE', 'ALREADY_DISPENSED'] as const;

export type AlertSource = 'ledger_entry' | 'custody_exception' | 'prescription_alert';

export interface AlertFilter {
  kind?: AlertKind;
  code?: string;
  organisationCode?: string;
  /** GTIN-14. */
  gtin?: string;
  /** Needs gtin: a lot number is only unique within its product. */
  lot?: string;
  /** At or after. */
  from?: Date;
  /** Before. */
  to?: Date;
}

/** One alert as the union lists it: enough to order, count and fetch the rest. */
export interface AlertRowRef {
  source: AlertSource;
  kind: AlertKind;
  code: string;
  at: Date;
  org: string;
  /** The alert entry itself, for ledger alerts. */
  ledger_index: string | null;
  /** exception_id or alert_id for the other sources. */
  ref: string | null;
}

/**
 * The UNION ALL of every source that can match the filter (columns of AlertRowRef, named in
 * each branch: any of them may be the only one), with
 * its parameters; null when no source can. Each branch keeps to its own indexes: ledger
 * alerts through the partial indexes on alert entries, packs through unit_events and the
 * units lot index.
 */
export function alertUnionSql(filter: AlertFilter): { sql: string; params: unknown[] } | null {
  const params: unknown[] = [];
  const named = new Map<string, string>();
  const param = (name: string, value: unknown) => {
    const known = named.get(name);
    if (known) return known;
    const placeholder = `$${params.push(value)}`;
    named.set(name, placeholder);
    return placeholder;
  };
  const within = (column: string) => [
    ...(filter.from
      ? [`${column} >= ${param('from', filter.from.toISOString())}::timestamptz`]
      : []),
    ...(filter.to ? [`${column} < ${param('to', filter.to.toISOString())}::timestamptz`] : []),
  ];
  const branches: string[] = [];
  const wants = (kind: AlertKind) => filter.kind === undefined || filter.kind === kind;
  const dup = () => param('dup', [...DUPLICATE_USE_CODES]);

  if (wants('REFUSED_EVENT') || wants('DUPLICATE_CODE_USE')) {
    const where = [`le.entry_type = 'alert'`, ...within('le.event_time')];
    if (filter.kind === 'DUPLICATE_CODE_USE') where.push(`le.refusal_code = ANY(${dup()}::text[])`);
    if (filter.kind === 'REFUSED_EVENT') where.push(`le.refusal_code <> ALL(${dup()}::text[])`);
    if (filter.code) where.push(`le.refusal_code = ${param('code', filter.code)}`);
    if (filter.organisationCode) {
      where.push(`le.actor_org = ${param('org', filter.organisationCode)}`);
    }
    if (filter.gtin) {
      const gtin = param('gtin', filter.gtin);
      const ofLot = filter.lot
        ? ` AND ue.serial IN (SELECT u.serial FROM units u WHERE u.gtin = ${gtin} AND u.lot = ${param('lot', filter.lot)})`
        : '';
      where.push(`le.idx IN (SELECT ue.idx FROM unit_events ue WHERE ue.gtin = ${gtin}${ofLot})`);
    }
    branches.push(
      `SELECT 'ledger_entry'::text AS source,
              CASE WHEN le.refusal_code = ANY(${dup()}::text[]) THEN 'DUPLICATE_CODE_USE' ELSE 'REFUSED_EVENT' END AS kind,
              le.refusal_code AS code, le.event_time AS at, le.actor_org AS org,
              le.idx AS ledger_index, NULL::text AS ref
         FROM ledger_entries le WHERE ${where.join(' AND ')}`,
    );
  }

  if (
    wants('COLD_CHAIN_EXCURSION') &&
    (filter.code === undefined || filter.code === 'COLD_CHAIN_EXCURSION')
  ) {
    const where = [`ce.type = 'COLD_CHAIN_EXCURSION'`, ...within('ce.opened_at')];
    if (filter.organisationCode) {
      const org = param('org', filter.organisationCode);
      where.push(`(ce.owner_org = ${org} OR ce.opened_org = ${org})`);
    }
    if (filter.gtin) {
      const gtin = param('gtin', filter.gtin);
      const ofLot = filter.lot
        ? ` AND EXISTS (SELECT 1 FROM units u WHERE u.gtin = ${gtin} AND u.serial = x->>'serial' AND u.lot = ${param('lot', filter.lot)})`
        : '';
      where.push(
        `EXISTS (SELECT 1 FROM json_array_elements(ce.units) x WHERE x->>'gtin' = ${gtin}${ofLot})`,
      );
    }
    branches.push(
      `SELECT 'custody_exception'::text AS source, 'COLD_CHAIN_EXCURSION'::text AS kind,
              'COLD_CHAIN_EXCURSION'::text AS code, ce.opened_at AS at, ce.owner_org AS org,
              NULL::bigint AS ledger_index, ce.exception_id::text AS ref
         FROM custody_exceptions ce WHERE ${where.join(' AND ')}`,
    );
  }

  if (
    wants('TAKEOUT_CYCLE_ANOMALY') &&
    (filter.code === undefined || filter.code === 'TAKEOUT_CYCLE_ANOMALY')
  ) {
    const where = [...within('pa.occurred_at')];
    if (filter.organisationCode) {
      where.push(`pa.hospital_org = ${param('org', filter.organisationCode)}`);
    }
    if (filter.gtin) where.push(`pa.gtin = ${param('gtin', filter.gtin)}`);
    if (filter.lot) {
      where.push(
        `EXISTS (SELECT 1 FROM json_array_elements(pa.units) x WHERE x->>'lot' = ${param('lot', filter.lot)})`,
      );
    }
    branches.push(
      `SELECT 'prescription_alert'::text AS source, 'TAKEOUT_CYCLE_ANOMALY'::text AS kind,
              pa.code, pa.occurred_at AS at, pa.hospital_org AS org, NULL::bigint AS ledger_index,
              pa.alert_id::text AS ref
         FROM prescription_alerts pa${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
    );
  }

  if (branches.length === 0) return null;
  return { sql: branches.join('\nUNION ALL\n'), params };
}
