import { needleGroups } from './epcis-event-filter';
import { EpcisQuery, LOT_NUMBER_IRI, OrderDirection } from './epcis-query-parameters';

/**
 * How a query is answered from the ledger without decoding it whole: which index gives the
 * candidate entries, in which order pages walk, and which substrings an entry must contain.
 *
 * - `eventIds`: EQ_eventID, through the unique index on ledger_entries.event_id.
 * - `packs`: MATCH_epc / MATCH_anyEPC / MATCH_inputEPC / MATCH_outputEPC naming only exact
 *   SGTINs, through unit_events (every SGTIN an event lists is a row there, also for events
 *   kept as RECORD evidence).
 * - `lots`: EQ_ILMD_cbvmda:lotNumber, through the units lot index (gtin, lot) and unit_events:
 *   the events of the packs of those lots, of which the exact filter keeps the ones whose ILMD
 *   states the lot.
 * - `quantities`: MATCH_epcClass and the other class parameters, which only events with
 *   quantity lists can match: in ledger order, the partial index of such entries
 *   (ledger_entries_quantity_idx), a bounded window per page; in time order, a `scan`.
 * - `scan`: otherwise, the ordering index (ledger index, event time or record time), a bounded
 *   window of entries per page, filtered by substring before the exact check.
 */
export type CandidateSource =
  | { kind: 'scan' }
  | { kind: 'quantities' }
  | { kind: 'eventIds'; eventIds: string[] }
  | { kind: 'packs'; packs: { gtin: string; serial: string }[] }
  | { kind: 'lots'; lots: string[] };

/** What pages are ordered by: the ledger index (the default), or a time column, then index. */
export type OrderKey = 'ledger' | 'eventTime' | 'recordTime';

export interface QueryPlan {
  source: CandidateSource;
  order: OrderKey;
  direction: OrderDirection;
  needles: string[][];
}

/** More values than this make a candidate list no cheaper than a scan. */
export const MAX_CANDIDATE_VALUES = 1000;

function packSource(query: EpcisQuery): CandidateSource | null {
  let best: { gtin: string; serial: string }[] | null = null;
  for (const { parameter, matchers } of query.epcs) {
    // A parentID is not in unit_events (aggregations name cases and pallets there).
    if (parameter === 'MATCH_parentID' || matchers.length > MAX_CANDIDATE_VALUES) continue;
    const packs: { gtin: string; serial: string }[] = [];
    for (const m of matchers) {
      if (m.kind !== 'key' || m.key.kind !== 'sgtin') break;
      packs.push({ gtin: m.key.gtin, serial: m.key.serial });
    }
    if (packs.length === matchers.length && (!best || packs.length < best.length)) best = packs;
  }
  return best ? { kind: 'packs', packs: best } : null;
}

export function planQuery(query: EpcisQuery): QueryPlan {
  let source: CandidateSource = { kind: 'scan' };
  const lots = query.ilmd.find((f) => f.iri === LOT_NUMBER_IRI);
  if (query.eventIds && query.eventIds.length <= MAX_CANDIDATE_VALUES) {
    source = { kind: 'eventIds', eventIds: query.eventIds };
  } else {
    source =
      packSource(query) ??
      (lots && lots.values.length <= MAX_CANDIDATE_VALUES
        ? { kind: 'lots', lots: lots.values }
        : query.classes.length > 0
          ? { kind: 'quantities' }
          : source);
  }
  // Without orderBy the standard leaves the order to the repository: the index that also
  // bounds the query, or the ledger's own order.
  let order: OrderKey = 'ledger';
  let direction: OrderDirection = 'ASC';
  if (query.orderBy) {
    order = query.orderBy;
    direction = query.orderDirection;
  } else if (query.eventTime.ge || query.eventTime.lt) {
    order = 'eventTime';
  } else if (query.recordTime.ge || query.recordTime.lt) {
    order = 'recordTime';
  }
  return { source, order, direction, needles: needleGroups(query) };
}
