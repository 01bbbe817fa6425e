/**
 * The parts of JSON-LD that EPCIS 2.0 JSON validation needs: which EPCIS context a document
 * references, which namespace prefixes its `@context` declares, and whether a field name or
 * a value is namespaced (a CURIE with a declared prefix, or an absolute URI).
 */

/**
 * URIs of the EPCIS 2.0 JSON-LD context. The versioned one is normative; the unversioned alias
 * on ref.gs1.org and the gs1.github.io location of the drafts are what many tools still write.
 */
export const EPCIS_CONTEXT_URIS = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  'https://gs1.github.io/EPCIS/epcis-context.jsonld',
] as const;

/** Prefixes the EPCIS context itself declares, so documents may use them without declaring. */
export const EPCIS_CONTEXT_PREFIXES = [
  'epcis',
  'cbv',
  'cbvmda',
  'gs1',
  'rdfs',
  'owl',
  'xsd',
  'dcterms',
] as const;

/** A URI as EPCIS uses it for identifiers: a scheme, a colon, then no whitespace. */
export const URI_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/;

/** Hierarchical URIs and URNs are absolute whatever their scheme; anything else is a CURIE. */
const ABSOLUTE_URI_PATTERN = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/|urn:)\S+$/i;

const PREFIX_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const MAX_QUOTED_LENGTH = 80;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Compared by shape, not identity with this realm's Object.prototype: bodies may come
  // from another realm (vm contexts, structuredClone in test runners).
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** A value for an error message: JSON-quoted and cut short, since input may be huge. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  } catch {
    text = typeof value;
  }
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH - 3)}...` : text;
}

function contextEntries(context: unknown): unknown[] {
  if (context === undefined || context === null) return [];
  return Array.isArray(context) ? context : [context];
}

/** Prefixes declared by a `@context` value (term definitions whose name has no colon). */
export function collectDeclaredPrefixes(context: unknown): Set<string> {
  const prefixes = new Set<string>(EPCIS_CONTEXT_PREFIXES);
  for (const entry of contextEntries(context)) {
    if (!isPlainObject(entry)) continue;
    for (const [term, definition] of Object.entries(entry)) {
      if (!PREFIX_NAME_PATTERN.test(term)) continue;
      if (typeof definition === 'string' || isPlainObject(definition)) prefixes.add(term);
    }
  }
  return prefixes;
}

/** The first problem of one `@context` entry, or null. */
function contextEntryProblem(entry: unknown, where: string): string | null {
  if (typeof entry === 'string') {
    return URI_PATTERN.test(entry) ? null : `${where} must be a URI: ${quote(entry)}`;
  }
  if (!isPlainObject(entry)) return `${where} must be a URI or an object`;
  for (const [term, definition] of Object.entries(entry)) {
    // JSON-LD term definitions are an IRI, an expanded definition or null (to undefine).
    if (definition !== null && typeof definition !== 'string' && !isPlainObject(definition)) {
      return `${where} term ${quote(term)} must map to a URI, an object or null`;
    }
    if (typeof definition === 'string' && !term.startsWith('@') && !URI_PATTERN.test(definition)) {
      return `${where} term ${quote(term)} must map to a URI: ${quote(definition)}`;
    }
  }
  return null;
}

/** An event's own `@context`: a URI, an object, or an array of those. */
export function eventContextProblem(context: unknown): string | null {
  const entries = contextEntries(context);
  if (context === null) return '@context must not be null';
  for (let index = 0; index < entries.length; index++) {
    const where = Array.isArray(context) ? `@context[${index}]` : '@context';
    const problem = contextEntryProblem(entries[index], where);
    if (problem) return problem;
  }
  return null;
}

/** The document's `@context`: like an event's, and it must reference the EPCIS 2.0 context. */
export function documentContextProblem(context: unknown): string | null {
  if (context === undefined) {
    return `@context is required and must reference the EPCIS 2.0 context ${EPCIS_CONTEXT_URIS[0]}`;
  }
  const problem = eventContextProblem(context);
  if (problem) return problem;
  const entries = contextEntries(context);
  const uris = entries.filter((entry): entry is string => typeof entry === 'string');
  if (new Set(uris).size !== uris.length) return '@context lists the same URI twice';
  if (!uris.some((uri) => (EPCIS_CONTEXT_URIS as readonly string[]).includes(uri))) {
    return `@context must reference the EPCIS 2.0 context ${EPCIS_CONTEXT_URIS[0]}`;
  }
  return null;
}

/**
 * Why `name` is not a namespaced term, or null when it is: a CURIE whose prefix `prefixes`
 * declares, or an absolute URI. A bare word or an undeclared prefix would not expand to a
 * stable IRI in JSON-LD, so receivers could not tell whose term it is.
 */
export function namespaceProblem(name: string, prefixes: ReadonlySet<string>): string | null {
  if (!URI_PATTERN.test(name)) {
    return `${quote(name)} is not namespaced (expected prefix:name with a prefix declared in @context, or an absolute URI)`;
  }
  const prefix = name.slice(0, name.indexOf(':'));
  if (prefixes.has(prefix) || ABSOLUTE_URI_PATTERN.test(name)) return null;
  return `prefix ${quote(prefix)} of ${quote(name)} is not declared in @context`;
}

let activePrefixes: ReadonlySet<string> = new Set(EPCIS_CONTEXT_PREFIXES);

/**
 * Runs `work` with `prefixes` as the declared namespace prefixes. class-validator has no way to
 * hand per-document data to a constraint; validateSync is synchronous, so a scoped module
 * variable is safe and keeps the DTOs free of hidden fields.
 */
export function withDeclaredPrefixes<T>(prefixes: ReadonlySet<string>, work: () => T): T {
  const previous = activePrefixes;
  activePrefixes = prefixes;
  try {
    return work();
  } finally {
    activePrefixes = previous;
  }
}

export function declaredPrefixes(): ReadonlySet<string> {
  return activePrefixes;
}
