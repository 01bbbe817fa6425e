import {
  classMatches,
  classNeedles,
  epcMatches,
  epcNeedles,
  Gs1KeyCache,
  jsonStringNeedle,
  keyNeedles,
} from './epcis-identifiers';
import {
  CLASS_FIELDS,
  EPC_FIELDS,
  EpcisQuery,
  expandFieldName,
  IlmdFilter,
  LocationMatcher,
} from './epcis-query-parameters';

/**
 * What a query asks of an event's own fields, decided exactly: the EPCIS 2.0 meaning of each
 * parameter. (Times, eventID and paging are columns of ledger_entries and are decided in SQL.)
 * Also the needles: substrings the stored entry must contain for its event to have a chance,
 * which let PostgreSQL drop most entries before anything is decoded.
 */

type Json = Record<string, unknown>;

const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];

/** The identifiers an event lists in the given fields (parentID is a single value). */
function identifiersIn(event: Json, fields: readonly string[]): string[] | null {
  let present = false;
  const out: string[] = [];
  for (const field of fields) {
    if (event[field] === undefined) continue;
    present = true;
    out.push(...strings(event[field]));
  }
  return present ? out : null;
}

function classesIn(event: Json, fields: readonly string[]): string[] | null {
  let present = false;
  const out: string[] = [];
  for (const field of fields) {
    const list = event[field];
    if (!Array.isArray(list)) continue;
    present = true;
    for (const element of list as Json[]) {
      if (typeof element?.epcClass === 'string') out.push(element.epcClass);
    }
  }
  return present ? out : null;
}

function locationMatches(matchers: LocationMatcher[], place: unknown, keys: Gs1KeyCache) {
  const id = (place as Json | undefined)?.id;
  return typeof id === 'string' && matchers.some((m) => epcMatches(m, id, keys));
}

function ilmdMatches(filter: IlmdFilter, ilmd: unknown): boolean {
  if (!ilmd || typeof ilmd !== 'object' || Array.isArray(ilmd)) return false;
  for (const [name, value] of Object.entries(ilmd as Json)) {
    if (expandFieldName(name) !== filter.iri) continue;
    if (typeof value === 'string' && filter.values.includes(value)) return true;
    if (
      (typeof value === 'number' || typeof value === 'boolean') &&
      filter.values.some((v) => v === String(value) || (v.trim() !== '' && Number(v) === value))
    ) {
      return true;
    }
  }
  return false;
}

/** Whether the EPCIS event satisfies every JSON-level condition of the query. */
export function eventMatches(query: EpcisQuery, event: Json, keys = new Gs1KeyCache()): boolean {
  if (query.eventTypes && !query.eventTypes.includes(String(event.type))) return false;
  if (query.actions && !query.actions.includes(String(event.action))) return false;
  if (query.bizSteps && !query.bizSteps.has(String(event.bizStep))) return false;
  if (query.dispositions && !query.dispositions.has(String(event.disposition))) return false;
  if (query.readPoints && !locationMatches(query.readPoints, event.readPoint, keys)) return false;
  if (query.bizLocations && !locationMatches(query.bizLocations, event.bizLocation, keys)) {
    return false;
  }
  if (query.eventIds && !query.eventIds.includes(String(event.eventID))) return false;
  for (const { parameter, matchers } of query.epcs) {
    const values = identifiersIn(event, EPC_FIELDS[parameter]);
    if (!values?.some((v) => matchers.some((m) => epcMatches(m, v, keys)))) return false;
  }
  for (const { parameter, matchers } of query.classes) {
    const values = classesIn(event, CLASS_FIELDS[parameter]);
    if (!values?.some((v) => matchers.some((m) => classMatches(m, v, keys)))) return false;
  }
  return query.ilmd.every((filter) => ilmdMatches(filter, event.ilmd));
}

const pair = (key: string, value: string) => `${JSON.stringify(key)}:${value}`;

function ilmdNeedles(filter: IlmdFilter): string[] {
  return filter.spellings.flatMap((name) =>
    filter.values.flatMap((value) => {
      const spelled = [pair(name, jsonStringNeedle(value))];
      // Numbers and booleans are written bare, numbers as RFC 8785 (ECMAScript) writes them.
      if (value === 'true' || value === 'false') spelled.push(pair(name, value));
      else if (value.trim() !== '' && Number.isFinite(Number(value))) {
        spelled.push(pair(name, String(Number(value))));
      }
      return spelled;
    }),
  );
}

function locationNeedles(matchers: LocationMatcher[]): string[] {
  return matchers.flatMap((m) => [
    pair('id', jsonStringNeedle(m.uri)),
    ...(m.kind === 'key' ? keyNeedles(m.key) : []),
  ]);
}

/**
 * Groups of needles: the entry (the RFC 8785 JSON of the ledger envelope, where a member is
 * written `"name":value` with no space) must contain one needle of every group. Strings are
 * written by JCS exactly as JSON.stringify writes them, so a needle built with it is found.
 */
export function needleGroups(query: EpcisQuery): string[][] {
  const groups: string[][] = [];
  const forms = (name: string, values: Iterable<string>) =>
    [...values].map((v) => pair(name, jsonStringNeedle(v)));
  if (query.eventTypes) groups.push(forms('type', query.eventTypes));
  if (query.actions) groups.push(forms('action', query.actions));
  if (query.bizSteps) groups.push(forms('bizStep', query.bizSteps));
  if (query.dispositions) groups.push(forms('disposition', query.dispositions));
  if (query.readPoints) groups.push(locationNeedles(query.readPoints));
  if (query.bizLocations) groups.push(locationNeedles(query.bizLocations));
  for (const { matchers } of query.epcs) groups.push(matchers.flatMap(epcNeedles));
  for (const { matchers } of query.classes) groups.push(matchers.flatMap(classNeedles));
  for (const filter of query.ilmd) groups.push(ilmdNeedles(filter));
  return groups.map((group) => [...new Set(group)]);
}
