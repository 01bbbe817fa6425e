import { TRACE_VOCABULARY, TRACE_VOCABULARY_PREFIX } from '@trace/domain';
import {
  BIZ_STEP_VOCABULARY,
  CBV_NAMESPACE_PREFIXES,
  DISPOSITION_VOCABULARY,
  EpcisVocabulary,
} from '@trace/epcis';
import { createHash } from 'node:crypto';
import {
  ClassMatcher,
  EpcMatcher,
  IdentifierValueError,
  parseClassMatcher,
  parseEpcMatcher,
  readGs1Key,
  URI_PATTERN,
} from './epcis-identifiers';

/**
 * The EPCIS 2.0 SimpleEventQuery parameters of `GET /epcis/events` (REST binding), read into
 * a normalised query. Pure: no I/O, so every rule about what a parameter may say is tested
 * here; anything unknown or malformed is a QueryParameterError (HTTP 400,
 * epcisException:QueryParameterException).
 */

export class QueryParameterError extends Error {}

export const STANDARD_EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

/** Instance-level MATCH_ parameters and the event fields each one looks at. */
export const EPC_FIELDS = {
  MATCH_epc: ['epcList', 'childEPCs'],
  MATCH_parentID: ['parentID'],
  MATCH_inputEPC: ['inputEPCList'],
  MATCH_outputEPC: ['outputEPCList'],
  MATCH_anyEPC: ['epcList', 'childEPCs', 'parentID', 'inputEPCList', 'outputEPCList'],
} as const;
export type EpcParameter = keyof typeof EPC_FIELDS;

/** Class-level MATCH_ parameters and the quantity lists each one looks at. */
export const CLASS_FIELDS = {
  MATCH_epcClass: ['quantityList', 'childQuantityList'],
  MATCH_inputEPCClass: ['inputQuantityList'],
  MATCH_outputEPCClass: ['outputQuantityList'],
  MATCH_anyEPCClass: [
    'quantityList',
    'childQuantityList',
    'inputQuantityList',
    'outputQuantityList',
  ],
} as const;
export type ClassParameter = keyof typeof CLASS_FIELDS;

export type OrderBy = 'eventTime' | 'recordTime';
export type OrderDirection = 'ASC' | 'DESC';

export interface TimeRange {
  /** Inclusive lower bound, ISO 8601 with offset. */
  ge?: string;
  /** Exclusive upper bound. */
  lt?: string;
}

/** A location given to EQ_readPoint / EQ_bizLocation: an SGLN in any spelling, or a URI. */
export type LocationMatcher = Extract<EpcMatcher, { kind: 'key' } | { kind: 'uri' }>;

export interface IlmdFilter {
  /** The parameter as given, e.g. `EQ_ILMD_cbvmda:lotNumber`. */
  parameter: string;
  /** The field's full IRI (prefixes of the EPCIS context and `tl:` expanded). */
  iri: string;
  /** How an event may spell the field's name: as the query did, as IRI, as known CURIEs. */
  spellings: string[];
  values: string[];
}

export interface EpcisQuery {
  eventTypes?: string[];
  eventTime: TimeRange;
  recordTime: TimeRange;
  actions?: string[];
  /** Every spelling (short name, URN, web URI, CURIE) of the business steps asked for. */
  bizSteps?: ReadonlySet<string>;
  dispositions?: ReadonlySet<string>;
  readPoints?: LocationMatcher[];
  bizLocations?: LocationMatcher[];
  epcs: { parameter: EpcParameter; matchers: EpcMatcher[] }[];
  classes: { parameter: ClassParameter; matchers: ClassMatcher[] }[];
  ilmd: IlmdFilter[];
  eventIds?: string[];
  orderBy?: OrderBy;
  orderDirection: OrderDirection;
  eventCountLimit?: number;
  maxEventCount?: number;
  perPage: number;
  nextPageToken?: string;
  /** What a page token is bound to: the parameters other than perPage and nextPageToken. */
  fingerprint: string;
  /** Those parameters as given, to repeat in the next page's link. */
  queryParameters: [string, string][];
}

const PAGING = new Set(['perPage', 'nextPageToken']);
const SCALARS = new Set([
  'GE_eventTime',
  'LT_eventTime',
  'GE_recordTime',
  'LT_recordTime',
  'orderBy',
  'orderDirection',
  'eventCountLimit',
  'maxEventCount',
  ...PAGING,
]);
const LISTS = new Set([
  'eventType',
  'EQ_action',
  'EQ_bizStep',
  'EQ_disposition',
  'EQ_readPoint',
  'EQ_bizLocation',
  'EQ_eventID',
  ...Object.keys(EPC_FIELDS),
  ...Object.keys(CLASS_FIELDS),
]);
export const ILMD_PARAMETER_PREFIX = 'EQ_ILMD_';

export const SUPPORTED_PARAMETERS = [...LISTS, ...SCALARS, `${ILMD_PARAMETER_PREFIX}<field>`];

/** Prefixes the EPCIS 2.0 context binds, plus our own vocabulary's. */
const KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  cbvmda: 'urn:epcglobal:cbv:mda:',
  cbv: 'https://ref.gs1.org/cbv/',
  epcis: 'https://ref.gs1.org/epcis/',
  gs1: 'https://gs1.org/voc/',
  [TRACE_VOCABULARY_PREFIX]: TRACE_VOCABULARY,
};

export const LOT_NUMBER_IRI = 'urn:epcglobal:cbv:mda:lotNumber';

/**
 * The full IRI of a field name: a CURIE of a known prefix is expanded; an EPCIS 1.x XML name
 * `namespace#local` (`urn:epcglobal:cbv:mda#lotNumber`) is read as the JSON-LD IRI of the
 * same field; anything else is its own IRI.
 */
export function expandFieldName(name: string): string {
  const colon = name.indexOf(':');
  if (colon > 0) {
    const namespace = KNOWN_PREFIXES[name.slice(0, colon)];
    if (namespace) return namespace + name.slice(colon + 1);
  }
  const hash = /^(.+)#([^#]+)$/.exec(name);
  if (hash) {
    for (const namespace of Object.values(KNOWN_PREFIXES)) {
      if (namespace === `${hash[1]}:` || namespace === `${hash[1]}/`) return namespace + hash[2];
    }
  }
  return name;
}

function fieldSpellings(given: string, iri: string): string[] {
  const out = new Set([given, iri]);
  for (const [prefix, namespace] of Object.entries(KNOWN_PREFIXES)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) {
      out.add(`${prefix}:${iri.slice(namespace.length)}`);
    }
  }
  return [...out];
}

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An xsd:dateTimeStamp (offset required). A "+" in a query string decodes to a space, so
 * `…T10:00:00 08:00` is read as `+08:00`: clients that forget to escape it still mean that.
 */
export function parseTimestamp(name: string, raw: string): string {
  const value = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const m = TIME.exec(value);
  const bad = () =>
    new QueryParameterError(
      `${name} must be a date-time with a time zone, e.g. 2026-06-01T10:00:00.000+08:00: ${JSON.stringify(raw)}`,
    );
  if (!m) throw bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8] === 'Z' || (Number(m[10]) * 60 + Number(m[11]) <= 14 * 60 && +m[11] < 60);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    year < 1 ||
    !offsetOk
  ) {
    throw bad();
  }
  return value;
}

function positiveInteger(name: string, raw: string, max = 1_000_000_000): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new QueryParameterError(`${name} must be a whole number from 1 to ${max}: ${raw}`);
  }
  return Number(raw);
}

/** Every spelling of a CBV term (or of a `tl:` term) that an event may use for it. */
export function vocabularyForms(name: string, value: string, vocabulary: EpcisVocabulary) {
  let term = vocabulary.terms.includes(value) ? value : undefined;
  for (const prefix of vocabulary.longFormPrefixes) {
    if (!term && value.startsWith(prefix)) {
      term = value.slice(prefix.length);
      if (!vocabulary.terms.includes(term)) {
        throw new QueryParameterError(`${name}: ${value} is no ${vocabulary.description}`);
      }
    }
  }
  if (term) return [term, ...vocabulary.longFormPrefixes.map((prefix) => prefix + term)];
  if (CBV_NAMESPACE_PREFIXES.some((prefix) => value.startsWith(prefix))) {
    throw new QueryParameterError(`${name}: ${value} is no ${vocabulary.description}`);
  }
  const ourPrefix = `${TRACE_VOCABULARY_PREFIX}:`;
  if (value.startsWith(ourPrefix) || value.startsWith(TRACE_VOCABULARY)) {
    const local = value.slice((value.startsWith(ourPrefix) ? ourPrefix : TRACE_VOCABULARY).length);
    return [ourPrefix + local, TRACE_VOCABULARY + local];
  }
  if (!URI_PATTERN.test(value)) {
    throw new QueryParameterError(
      `${name}: ${value} is no ${vocabulary.description}; other values must be URIs or CURIEs`,
    );
  }
  return [value];
}

function parseLocation(name: string, value: string): LocationMatcher {
  if (value.startsWith('urn:epc:idpat:')) {
    throw new QueryParameterError(`${name} takes identifiers, not patterns: ${value}`);
  }
  const key = readGs1Key(value);
  if (key?.kind === 'sgln') return { kind: 'key', uri: value, key };
  if (!URI_PATTERN.test(value)) throw new QueryParameterError(`${name}: ${value} is not a URI`);
  return { kind: 'uri', uri: value };
}

function identifierValues<T>(name: string, values: string[], parse: (v: string) => T): T[] {
  return values.map((value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof IdentifierValueError) {
        throw new QueryParameterError(`${name}: ${err.message}`);
      }
      throw err;
    }
  });
}

/** The parameters of a query string, in order, repeated names included. */
export function queryStringPairs(url: string): [string, string][] {
  const at = url.indexOf('?');
  return at < 0 ? [] : [...new URLSearchParams(url.slice(at + 1))];
}

export function parseEpcisQuery(pairs: [string, string][]): EpcisQuery {
  const scalars = new Map<string, string>();
  const lists = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    if (SCALARS.has(name)) {
      if (scalars.has(name)) throw new QueryParameterError(`${name} is given more than once`);
      if (value === '') throw new QueryParameterError(`${name} is empty`);
      scalars.set(name, value);
    } else if (LISTS.has(name) || name.startsWith(ILMD_PARAMETER_PREFIX)) {
      const items = value.split(',');
      if (items.some((item) => item === '')) {
        throw new QueryParameterError(`${name} has an empty value: ${JSON.stringify(value)}`);
      }
      lists.set(name, [...(lists.get(name) ?? []), ...items]);
    } else {
      throw new QueryParameterError(
        `Unknown or unsupported query parameter ${JSON.stringify(name)}; supported: ${SUPPORTED_PARAMETERS.join(', ')}`,
      );
    }
  }

  const query: EpcisQuery = {
    eventTime: {},
    recordTime: {},
    epcs: [],
    classes: [],
    ilmd: [],
    orderDirection: 'DESC',
    perPage: DEFAULT_PER_PAGE,
    fingerprint: '',
    queryParameters: pairs.filter(([name]) => !PAGING.has(name)),
  };

  for (const [name, values] of lists) {
    if (name === 'eventType') {
      for (const type of values) {
        if (!(STANDARD_EVENT_TYPES as readonly string[]).includes(type) && !type.includes(':')) {
          throw new QueryParameterError(
            `eventType ${type} is no EPCIS event type (${STANDARD_EVENT_TYPES.join(', ')}, or an extension type's URI)`,
          );
        }
      }
      query.eventTypes = values;
    } else if (name === 'EQ_action') {
      for (const action of values) {
        if (!['ADD', 'OBSERVE', 'DELETE'].includes(action)) {
          throw new QueryParameterError(`EQ_action must be ADD, OBSERVE or DELETE: ${action}`);
        }
      }
      query.actions = values;
    } else if (name === 'EQ_bizStep') {
      query.bizSteps = new Set(
        values.flatMap((v) => vocabularyForms(name, v, BIZ_STEP_VOCABULARY)),
      );
    } else if (name === 'EQ_disposition') {
      query.dispositions = new Set(
        values.flatMap((v) => vocabularyForms(name, v, DISPOSITION_VOCABULARY)),
      );
    } else if (name === 'EQ_readPoint') {
      query.readPoints = values.map((v) => parseLocation(name, v));
    } else if (name === 'EQ_bizLocation') {
      query.bizLocations = values.map((v) => parseLocation(name, v));
    } else if (name === 'EQ_eventID') {
      query.eventIds = values;
    } else if (name in EPC_FIELDS) {
      query.epcs.push({
        parameter: name as EpcParameter,
        matchers: identifierValues(name, values, parseEpcMatcher),
      });
    } else if (name in CLASS_FIELDS) {
      query.classes.push({
        parameter: name as ClassParameter,
        matchers: identifierValues(name, values, parseClassMatcher),
      });
    } else {
      const field = name.slice(ILMD_PARAMETER_PREFIX.length);
      if (!URI_PATTERN.test(field)) {
        throw new QueryParameterError(
          `${name}: the ILMD field must be named by a CURIE or URI, e.g. ${ILMD_PARAMETER_PREFIX}cbvmda:lotNumber`,
        );
      }
      const iri = expandFieldName(field);
      query.ilmd.push({ parameter: name, iri, spellings: fieldSpellings(field, iri), values });
    }
  }

  const time = (name: string) => {
    const raw = scalars.get(name);
    return raw === undefined ? undefined : parseTimestamp(name, raw);
  };
  query.eventTime = { ge: time('GE_eventTime'), lt: time('LT_eventTime') };
  query.recordTime = { ge: time('GE_recordTime'), lt: time('LT_recordTime') };

  const orderBy = scalars.get('orderBy');
  if (orderBy !== undefined) {
    if (orderBy !== 'eventTime' && orderBy !== 'recordTime') {
      throw new QueryParameterError(`orderBy must be eventTime or recordTime: ${orderBy}`);
    }
    query.orderBy = orderBy;
  }
  const direction = scalars.get('orderDirection');
  if (direction !== undefined) {
    if (direction !== 'ASC' && direction !== 'DESC') {
      throw new QueryParameterError(`orderDirection must be ASC or DESC: ${direction}`);
    }
    query.orderDirection = direction;
  }
  const countLimit = scalars.get('eventCountLimit');
  const maxCount = scalars.get('maxEventCount');
  if (countLimit !== undefined && maxCount !== undefined) {
    throw new QueryParameterError('eventCountLimit and maxEventCount exclude each other');
  }
  if (countLimit !== undefined) {
    if (!query.orderBy) {
      throw new QueryParameterError('eventCountLimit needs orderBy (it keeps the first N events)');
    }
    query.eventCountLimit = positiveInteger('eventCountLimit', countLimit);
  }
  if (maxCount !== undefined) query.maxEventCount = positiveInteger('maxEventCount', maxCount);
  const perPage = scalars.get('perPage');
  if (perPage !== undefined) query.perPage = positiveInteger('perPage', perPage, MAX_PER_PAGE);
  query.nextPageToken = scalars.get('nextPageToken');

  query.fingerprint = fingerprintOf(query.queryParameters);
  return query;
}

/** A short hash of the parameters by name (values in the order given). */
function fingerprintOf(pairs: [string, string][]): string {
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22);
}
