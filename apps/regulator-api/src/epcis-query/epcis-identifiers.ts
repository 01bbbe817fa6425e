import {
  DigitalLinkParser,
  gs1CheckDigit,
  lgtinClassUrnToGtin,
  sglnUrnToGln,
  sgtinUrnToGtin,
  urnToSscc,
} from '@trace/identifiers';

/**
 * EPCIS identifiers as the query compares them. EPCIS 2.0 lets a sender write the same object
 * as an EPC URN or as a GS1 Digital Link URI (on any host, with or without key qualifiers),
 * so a query value matches an event value when both name the same GS1 key, whatever the
 * spelling; anything that is no GS1 key is compared as a string, as the standard says.
 */

/** The GS1 key an identifier names. */
export type Gs1Key =
  | { kind: 'sgtin'; gtin: string; serial: string }
  | { kind: 'sscc'; sscc: string }
  | { kind: 'sgln'; gln: string; extension?: string }
  | { kind: 'lgtin'; gtin: string; lot: string }
  /** A product as a class: `urn:epc:idpat:sgtin:C.I.*` (EPCIS 1.x) or `…/01/{gtin}`. */
  | { kind: 'gtin'; gtin: string };

const DIGITAL_LINKS = new DigitalLinkParser({
  permitZeroSuppressedGtin: true,
  permitTrailingSlash: true,
  sortKeyQualifiers: true,
});

const MIN_GCP = 6;
const MAX_GCP = 12;

/** GTIN-14 from the "<GCP>.<indicator+item reference>" parts of a URN, or null. */
function gtinFromUrnParts(companyPrefix: string, indicatorAndItem: string): string | null {
  if (companyPrefix.length < MIN_GCP || companyPrefix.length > MAX_GCP) return null;
  if (companyPrefix.length + indicatorAndItem.length !== 13) return null;
  const body = indicatorAndItem[0] + companyPrefix + indicatorAndItem.slice(1);
  return body + gs1CheckDigit(body);
}

function keyFromDigitalLink(uri: string): Gs1Key | null {
  const parsed = DIGITAL_LINKS.parse(uri);
  if (!parsed.ok) return null;
  const [primary, ...qualifiers] = parsed.result.path;
  const qualifier = (ai: string) => qualifiers.find((q) => q.ai === ai)?.value;
  switch (primary.ai) {
    case '01': {
      const serial = qualifier('21');
      if (serial !== undefined) return { kind: 'sgtin', gtin: primary.value, serial };
      const lot = qualifier('10');
      if (lot !== undefined) return { kind: 'lgtin', gtin: primary.value, lot };
      return { kind: 'gtin', gtin: primary.value };
    }
    case '00':
      return { kind: 'sscc', sscc: primary.value };
    case '414': {
      const extension = qualifier('254');
      return extension === undefined
        ? { kind: 'sgln', gln: primary.value }
        : { kind: 'sgln', gln: primary.value, extension };
    }
    default:
      return null;
  }
}

/** The GS1 key an EPC URN, EPC class URN or GS1 Digital Link URI names; null for other URIs. */
export function readGs1Key(uri: string): Gs1Key | null {
  if (uri.startsWith('urn:epc:id:sgtin:')) {
    const sgtin = sgtinUrnToGtin(uri);
    return sgtin ? { kind: 'sgtin', gtin: sgtin.gtin, serial: sgtin.serial } : null;
  }
  if (uri.startsWith('urn:epc:id:sscc:')) {
    const sscc = urnToSscc(uri);
    return sscc ? { kind: 'sscc', sscc } : null;
  }
  if (uri.startsWith('urn:epc:id:sgln:')) {
    const sgln = sglnUrnToGln(uri);
    if (!sgln) return null;
    return sgln.extension === undefined
      ? { kind: 'sgln', gln: sgln.gln }
      : { kind: 'sgln', gln: sgln.gln, extension: sgln.extension };
  }
  if (uri.startsWith('urn:epc:class:lgtin:')) {
    const lgtin = lgtinClassUrnToGtin(uri);
    return lgtin ? { kind: 'lgtin', gtin: lgtin.gtin, lot: lgtin.lot } : null;
  }
  const productClass = /^urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*$/.exec(uri);
  if (productClass) {
    const gtin = gtinFromUrnParts(productClass[1], productClass[2]);
    return gtin ? { kind: 'gtin', gtin } : null;
  }
  if (uri.startsWith('https://') || uri.startsWith('http://')) return keyFromDigitalLink(uri);
  return null;
}

export function sameKey(a: Gs1Key, b: Gs1Key): boolean {
  switch (a.kind) {
    case 'sgtin':
      return b.kind === 'sgtin' && a.gtin === b.gtin && a.serial === b.serial;
    case 'sscc':
      return b.kind === 'sscc' && a.sscc === b.sscc;
    case 'sgln':
      return b.kind === 'sgln' && a.gln === b.gln && a.extension === b.extension;
    case 'lgtin':
      return b.kind === 'lgtin' && a.gtin === b.gtin && a.lot === b.lot;
    case 'gtin':
      return b.kind === 'gtin' && a.gtin === b.gtin;
  }
}

/** Reads each identifier once per query, however many events and values compare it. */
export class Gs1KeyCache {
  private readonly keys = new Map<string, Gs1Key | null>();

  read(uri: string): Gs1Key | null {
    let key = this.keys.get(uri);
    if (key === undefined) {
      key = readGs1Key(uri);
      this.keys.set(uri, key);
    }
    return key;
  }
}

/**
 * A value of an instance-level MATCH_ parameter (MATCH_epc, MATCH_parentID, MATCH_anyEPC...):
 * an identifier (any spelling), an EPC pure identity pattern, or any other URI.
 */
export type EpcMatcher =
  | { kind: 'key'; uri: string; key: Gs1Key }
  | { kind: 'uri'; uri: string }
  /** `urn:epc:idpat:sgtin:C.I.*` (one product), `C.*.*` (a company), `*.*.*`. */
  | { kind: 'sgtinPattern'; uri: string; gtin?: string; companyPrefix?: string }
  /** `urn:epc:idpat:sscc:C.*` (a company), `*.*`. */
  | { kind: 'ssccPattern'; uri: string; companyPrefix?: string }
  /** A pattern of another EPC scheme, matched component by component against its URNs. */
  | { kind: 'tdsPattern'; uri: string; scheme: string; components: string[] };

/**
 * A value of a class-level MATCH_ parameter (MATCH_epcClass, MATCH_anyEPCClass...): a lot
 * (`urn:epc:class:lgtin:…`, `…/01/{gtin}/10/{lot}`), a product or company pattern that
 * matches every lot of it (`urn:epc:idpat:sgtin:C.I.*`, `…/01/{gtin}`, `C.*.*`, `*.*.*`), or
 * any other URI.
 */
export type ClassMatcher =
  | { kind: 'lot'; uri: string; gtin: string; lot: string }
  | { kind: 'product'; uri: string; gtin?: string; companyPrefix?: string }
  | { kind: 'uri'; uri: string };

/** Why a parameter value cannot be a matcher. */
export class IdentifierValueError extends Error {}

/** A URI as EPCIS uses them: a scheme, a colon, no whitespace. */
export const URI_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/;

/**
 * The parts of an EPC pure identity pattern (GS1 EPC Tag Data Standard): literal components,
 * then only `*`.
 * Null when `uri` is not a pattern; throws when it is a malformed one.
 */
function patternParts(uri: string): { scheme: string; components: string[] } | null {
  const m = /^urn:epc:idpat:([a-z0-9-]+):(.+)$/.exec(uri);
  if (!m) return null;
  const components = m[2].split('.');
  const firstStar = components.indexOf('*');
  if (
    components.some((c) => c.length === 0) ||
    (firstStar >= 0 && components.slice(firstStar).some((c) => c !== '*'))
  ) {
    throw new IdentifierValueError(
      `${uri} is not an EPC pattern (components are literal, then only "*")`,
    );
  }
  return { scheme: m[1], components };
}

const isDigits = (s: string) => /^\d+$/.test(s);

export function parseEpcMatcher(uri: string): EpcMatcher {
  const pattern = patternParts(uri);
  if (pattern && pattern.components.includes('*')) {
    const [c, i] = pattern.components;
    const bad = () => new IdentifierValueError(`${uri} is not a valid ${pattern.scheme} pattern`);
    if (pattern.scheme === 'sgtin') {
      if (pattern.components.length !== 3) throw bad();
      if (c === '*') return { kind: 'sgtinPattern', uri };
      if (!isDigits(c) || c.length < MIN_GCP || c.length > MAX_GCP) throw bad();
      if (i === '*') return { kind: 'sgtinPattern', uri, companyPrefix: c };
      const gtin = isDigits(i) ? gtinFromUrnParts(c, i) : null;
      if (!gtin) throw bad();
      return { kind: 'sgtinPattern', uri, gtin };
    }
    if (pattern.scheme === 'sscc') {
      if (pattern.components.length !== 2) throw bad();
      if (c === '*') return { kind: 'ssccPattern', uri };
      if (!isDigits(c) || c.length < MIN_GCP || c.length > MAX_GCP) throw bad();
      return { kind: 'ssccPattern', uri, companyPrefix: c };
    }
    return { kind: 'tdsPattern', uri, scheme: pattern.scheme, components: pattern.components };
  }
  // A pattern without "*" names one EPC: the same as its urn:epc:id form.
  const plain = pattern ? `urn:epc:id:${pattern.scheme}:${pattern.components.join('.')}` : uri;
  const key = readGs1Key(plain);
  if (key) return { kind: 'key', uri: plain, key };
  if (!URI_PATTERN.test(uri)) throw new IdentifierValueError(`${uri} is not a URI`);
  if (/^urn:epc:id:(sgtin|sscc|sgln):/.test(uri) || /^urn:epc:class:lgtin:/.test(uri)) {
    throw new IdentifierValueError(`${uri} is not a valid EPC URI`);
  }
  return { kind: 'uri', uri };
}

export function parseClassMatcher(uri: string): ClassMatcher {
  const pattern = patternParts(uri);
  if (pattern) {
    const [c, i, s] = pattern.components;
    const bad = () =>
      new IdentifierValueError(`${uri} is not an EPC class pattern (urn:epc:idpat:sgtin:C.I.*)`);
    if (pattern.scheme !== 'sgtin' || pattern.components.length !== 3 || s !== '*') throw bad();
    if (c === '*') return { kind: 'product', uri };
    if (!isDigits(c) || c.length < MIN_GCP || c.length > MAX_GCP) throw bad();
    if (i === '*') return { kind: 'product', uri, companyPrefix: c };
    const gtin = isDigits(i) ? gtinFromUrnParts(c, i) : null;
    if (!gtin) throw bad();
    return { kind: 'product', uri, gtin };
  }
  const key = readGs1Key(uri);
  if (key?.kind === 'lgtin') return { kind: 'lot', uri, gtin: key.gtin, lot: key.lot };
  if (key?.kind === 'gtin') return { kind: 'product', uri, gtin: key.gtin };
  if (!URI_PATTERN.test(uri)) throw new IdentifierValueError(`${uri} is not a URI`);
  if (uri.startsWith('urn:epc:class:lgtin:')) {
    throw new IdentifierValueError(`${uri} is not a valid LGTIN class URI`);
  }
  return { kind: 'uri', uri };
}

const companyOf = (digits: string, companyPrefix: string) =>
  digits.slice(1, 1 + companyPrefix.length) === companyPrefix;

export function epcMatches(matcher: EpcMatcher, value: string, keys: Gs1KeyCache): boolean {
  if (value === matcher.uri) return true;
  switch (matcher.kind) {
    case 'uri':
      return false;
    case 'key': {
      const key = keys.read(value);
      return key !== null && sameKey(matcher.key, key);
    }
    case 'sgtinPattern': {
      const key = keys.read(value);
      if (key?.kind !== 'sgtin') return false;
      if (matcher.gtin) return key.gtin === matcher.gtin;
      return matcher.companyPrefix ? companyOf(key.gtin, matcher.companyPrefix) : true;
    }
    case 'ssccPattern': {
      const key = keys.read(value);
      if (key?.kind !== 'sscc') return false;
      return matcher.companyPrefix ? companyOf(key.sscc, matcher.companyPrefix) : true;
    }
    case 'tdsPattern': {
      const prefix = `urn:epc:id:${matcher.scheme}:`;
      if (!value.startsWith(prefix)) return false;
      const parts = value.slice(prefix.length).split('.');
      return (
        parts.length === matcher.components.length &&
        matcher.components.every((c, n) => c === '*' || c === parts[n])
      );
    }
  }
}

export function classMatches(matcher: ClassMatcher, value: string, keys: Gs1KeyCache): boolean {
  if (value === matcher.uri) return true;
  if (matcher.kind === 'uri') return false;
  const key = keys.read(value);
  if (key?.kind !== 'lgtin' && key?.kind !== 'gtin') return false;
  if (matcher.kind === 'lot') {
    return key.kind === 'lgtin' && key.gtin === matcher.gtin && key.lot === matcher.lot;
  }
  if (matcher.gtin) return key.gtin === matcher.gtin;
  return matcher.companyPrefix ? companyOf(key.gtin, matcher.companyPrefix) : true;
}

// Needles: byte strings of which an entry must contain at least one if its event can match.
// They let PostgreSQL skip entries with a substring search instead of decoding their JSON;
// the exact comparison then runs on what is left. Every spelling must leave a needle, so they
// name the key's digits rather than a whole URI (the serial or lot may be %-escaped).

/** "<GCP>.<indicator+item reference>" of a GTIN-14 for each possible company prefix length. */
function gtinUrnClassParts(gtin: string): string[] {
  const out: string[] = [];
  for (let k = MIN_GCP; k <= MAX_GCP; k++) {
    out.push(`${gtin.slice(1, 1 + k)}.${gtin[0]}${gtin.slice(1 + k, 13)}`);
  }
  return out;
}

/** `/01/{gtin}` as Digital Links write it: 14 digits, or zero-suppressed to 13, 12 or 8. */
function gtinDigitalLinkNeedles(gtin: string): string[] {
  const out = [`/01/${gtin}`];
  if (gtin.startsWith('0')) out.push(`/01/${gtin.slice(1)}`);
  if (gtin.startsWith('00')) out.push(`/01/${gtin.slice(2)}`);
  if (gtin.startsWith('000000')) out.push(`/01/${gtin.slice(6)}`);
  return out;
}

function ssccNeedles(sscc: string): string[] {
  const out = [`/00/${sscc}`];
  for (let k = MIN_GCP; k <= MAX_GCP; k++) {
    out.push(`sscc:${sscc.slice(1, 1 + k)}.${sscc[0]}${sscc.slice(1 + k, 17)}`);
  }
  return out;
}

function sglnNeedles(gln: string): string[] {
  const out = [`/414/${gln}`];
  for (let k = MIN_GCP; k <= MAX_GCP; k++) out.push(`sgln:${gln.slice(0, k)}.${gln.slice(k, 12)}.`);
  return out;
}

/**
 * `<scheme>:<GCP>.<item>.` for each company prefix length, completed with the serial or lot
 * and the string's closing quote when TDS writes that value as is (it %-escapes only
 * `"%&/<>?`, and nothing else, so the URN is then the only URN spelling), then the Digital
 * Link spellings of the GTIN (whose values a sender may %-encode in more than one way).
 */
function gtinNeedles(gtin: string, urnSchemes: string[], value?: string): string[] {
  const tail = value !== undefined && !/["%&/<>?]/.test(value) ? `${value}"` : '';
  const parts = gtinUrnClassParts(gtin);
  return [
    ...urnSchemes.flatMap((scheme) => parts.map((p) => `${scheme}:${p}.${tail}`)),
    ...gtinDigitalLinkNeedles(gtin),
  ];
}

export function keyNeedles(key: Gs1Key): string[] {
  switch (key.kind) {
    case 'sgtin':
      return gtinNeedles(key.gtin, ['sgtin'], key.serial);
    case 'sscc':
      return ssccNeedles(key.sscc);
    case 'sgln':
      return sglnNeedles(key.gln);
    case 'lgtin':
      return gtinNeedles(key.gtin, ['lgtin'], key.lot);
    case 'gtin':
      return gtinNeedles(key.gtin, ['lgtin', 'sgtin']);
  }
}

/** A value compared as a string appears in the entry as that JSON string. */
export const jsonStringNeedle = (value: string) => JSON.stringify(value);

export function epcNeedles(matcher: EpcMatcher): string[] {
  switch (matcher.kind) {
    case 'key':
      return [jsonStringNeedle(matcher.uri), ...keyNeedles(matcher.key)];
    case 'uri':
      return [jsonStringNeedle(matcher.uri)];
    case 'sgtinPattern':
      return matcher.gtin ? gtinNeedles(matcher.gtin, ['sgtin']) : ['sgtin:', '/01/'];
    case 'ssccPattern':
      return ['sscc:', '/00/'];
    case 'tdsPattern':
      return [`urn:epc:id:${matcher.scheme}:`];
  }
}

export function classNeedles(matcher: ClassMatcher): string[] {
  switch (matcher.kind) {
    case 'lot':
      return [jsonStringNeedle(matcher.uri), ...gtinNeedles(matcher.gtin, ['lgtin'], matcher.lot)];
    case 'product':
      return matcher.gtin
        ? [jsonStringNeedle(matcher.uri), ...gtinNeedles(matcher.gtin, ['lgtin', 'sgtin'])]
        : ['lgtin:', 'sgtin:', '/01/'];
    case 'uri':
      return [jsonStringNeedle(matcher.uri)];
  }
}
