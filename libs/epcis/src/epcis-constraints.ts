// class-transformer's @Type reads design-time metadata; Nest loads this polyfill, plain users may not.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsObject, registerDecorator, ValidateIf, ValidateNested } from 'class-validator';
import { CBV_NAMESPACE_PREFIXES, EpcisVocabulary } from './cbv-vocabulary';
import {
  declaredPrefixes,
  eventContextProblem,
  isPlainObject,
  namespaceProblem,
  quote,
  URI_PATTERN,
} from './json-ld-context';

/**
 * The EPCIS-specific class-validator constraints. Each rule is a function returning the problem
 * as text (or null), so the message names the actual offending value.
 */

type PropertyCheck = (value: unknown, propertyName: string, object: object) => string | null;
type ObjectCheck = (object: Record<string, unknown>) => string | null;

function propertyRule(name: string, check: PropertyCheck): PropertyDecorator {
  return (target, propertyKey) => {
    const propertyName = String(propertyKey);
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value, args) => check(value, propertyName, args?.object ?? {}) === null,
        defaultMessage: (args) =>
          check(args?.value, propertyName, args?.object ?? {}) ?? `${propertyName} is invalid`,
      },
    });
  };
}

/**
 * A rule about the whole object (field names, one-of-several requirements). Registered under
 * the empty property name so that its error points at the object itself, not at one field.
 */
export function ObjectRule(name: string, check: ObjectCheck): ClassDecorator {
  return (target) => {
    registerDecorator({
      name,
      target,
      propertyName: '',
      validator: {
        validate: (_value, args) => check((args?.object ?? {}) as Record<string, unknown>) === null,
        defaultMessage: (args) =>
          check((args?.object ?? {}) as Record<string, unknown>) ?? `${name} failed`,
      },
    });
  };
}

/** Optional, but null is not a value EPCIS allows where a field is absent (IsOptional lets null through). */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

function describeFields(names: string[]): string {
  return names.map((name) => quote(name)).join(', ');
}

/** Standard fields plus user extensions, which must be namespaced (EPCIS 2.0 section 7.4). */
export function StandardOrNamespacedFields(what: string, standard: readonly string[]) {
  const known = new Set(standard);
  return ObjectRule('standardOrNamespacedFields', (object) => {
    const prefixes = declaredPrefixes();
    const offending = Object.keys(object).filter(
      (key) => !known.has(key) && namespaceProblem(key, prefixes) !== null,
    );
    if (offending.length === 0) return null;
    const first = namespaceProblem(offending[0], prefixes);
    return `${what} has field(s) ${describeFields(offending)} that are neither ${what} fields nor namespaced extensions: ${first}`;
  });
}

/** Objects the JSON schema closes (additionalProperties: false): no extension fields at all. */
export function OnlyFields(what: string, allowed: readonly string[]) {
  const known = new Set(allowed);
  return ObjectRule('onlyFields', (object) => {
    const offending = Object.keys(object).filter((key) => !known.has(key));
    if (offending.length === 0) return null;
    return `${what} has unknown field(s) ${describeFields(offending)}; allowed: ${allowed.join(', ')}`;
  });
}

export function isEpcisUri(value: unknown): value is string {
  return typeof value === 'string' && URI_PATTERN.test(value);
}

function uriProblem(value: unknown, propertyName: string): string | null {
  if (value === undefined) return `${propertyName} is required`;
  if (typeof value !== 'string') return `${propertyName} must be a URI string`;
  return URI_PATTERN.test(value) ? null : `${propertyName} must be a URI: ${quote(value)}`;
}

/** An identifier (EPC, location, party, event ID...): a URI. */
export function IsEpcisUri(): PropertyDecorator {
  return propertyRule('isEpcisUri', uriProblem);
}

export interface UriListOptions {
  /** The schema's uniqueItems: the same EPC twice in one list is a capture mistake. */
  unique?: boolean;
}

/** An array of URIs (epcList, childEPCs, correctiveEventIDs...). */
export function IsUriList(options: UriListOptions = {}): PropertyDecorator {
  return propertyRule('isUriList', (value, propertyName) => {
    if (!Array.isArray(value)) return `${propertyName} must be an array of URIs`;
    for (let index = 0; index < value.length; index++) {
      const problem = uriProblem(value[index], `${propertyName}[${index}]`);
      if (problem) return problem;
    }
    if (options.unique && new Set(value).size !== value.length) {
      return `${propertyName} must not list the same identifier twice`;
    }
    return null;
  });
}

/** certificationInfo: one URI or an array of URIs. */
export function IsUriOrUriList(): PropertyDecorator {
  return propertyRule('isUriOrUriList', (value, propertyName) => {
    if (typeof value === 'string') return uriProblem(value, propertyName);
    if (!Array.isArray(value)) return `${propertyName} must be a URI or an array of URIs`;
    for (let index = 0; index < value.length; index++) {
      const problem = uriProblem(value[index], `${propertyName}[${index}]`);
      if (problem) return `${problem} (${propertyName} must be a URI or an array of URIs)`;
    }
    return null;
  });
}

const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 / RFC 3339 date-time with seconds and an explicit offset, on a real calendar day. */
export function isDateTimeWithOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = DATE_TIME_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHour = match[7] === undefined ? 0 : Number(match[7]);
  const offsetMinute = match[8] === undefined ? 0 : Number(match[8]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
}

export function IsDateTimeWithOffset(): PropertyDecorator {
  return propertyRule('isDateTimeWithOffset', (value, propertyName) => {
    if (value === undefined) return `${propertyName} is required`;
    if (isDateTimeWithOffset(value)) return null;
    return `${propertyName} must be an ISO 8601 date-time with a UTC offset or Z (e.g. 2026-07-22T06:45:00.000+02:00): ${quote(value)}`;
  });
}

/** The offset range of the JSON schema: -14:00 to +14:00. */
const TIME_ZONE_OFFSET_PATTERN = /^[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)$/;

export function IsTimeZoneOffset(): PropertyDecorator {
  return propertyRule('isTimeZoneOffset', (value, propertyName) => {
    if (value === undefined) return `${propertyName} is required`;
    if (typeof value === 'string' && TIME_ZONE_OFFSET_PATTERN.test(value)) return null;
    return `${propertyName} must be a UTC offset +hh:mm or -hh:mm between -14:00 and +14:00: ${quote(value)}`;
  });
}

/** Why `value` is not a term of `vocabulary` or a namespaced term, or null. */
export function vocabularyProblem(
  value: unknown,
  vocabulary: EpcisVocabulary,
  propertyName: string,
): string | null {
  if (typeof value !== 'string') return `${propertyName} must be a string`;
  if (vocabulary.terms.includes(value)) return null;
  for (const prefix of vocabulary.longFormPrefixes) {
    if (!value.startsWith(prefix)) continue;
    const term = value.slice(prefix.length);
    if (vocabulary.terms.includes(term)) return null;
    return `${propertyName} ${quote(value)} is not a ${vocabulary.description}: ${quote(term)} is not in the list`;
  }
  if (CBV_NAMESPACE_PREFIXES.some((prefix) => value.startsWith(prefix))) {
    return `${propertyName} ${quote(value)} is in the CBV namespace but is not a ${vocabulary.description}`;
  }
  if (!value.includes(':')) {
    return `${propertyName} ${quote(value)} is not a ${vocabulary.description} (use a standard short name such as ${quote(vocabulary.terms[0])}, its full URI, or a namespaced URI for a private term)`;
  }
  const problem = namespaceProblem(value, declaredPrefixes());
  return problem === null ? null : `${propertyName} is not a ${vocabulary.description}: ${problem}`;
}

/** bizStep, disposition and the other code-list fields: a standard term or a namespaced one. */
export function IsVocabularyTerm(vocabulary: EpcisVocabulary): PropertyDecorator {
  return propertyRule('isVocabularyTerm', (value, propertyName) =>
    vocabularyProblem(value, vocabulary, propertyName),
  );
}

/** Arrays of vocabulary terms (persistentDisposition.set / unset). */
export function IsVocabularyTermList(vocabulary: EpcisVocabulary): PropertyDecorator {
  return propertyRule('isVocabularyTermList', (value, propertyName) => {
    if (!Array.isArray(value) || value.length === 0) {
      return `${propertyName} must be a non-empty array`;
    }
    for (let index = 0; index < value.length; index++) {
      const problem = vocabularyProblem(value[index], vocabulary, `${propertyName}[${index}]`);
      if (problem) return problem;
    }
    return new Set(value).size === value.length
      ? null
      : `${propertyName} must not list the same term twice`;
  });
}

/** ILMD: an object whose every key is namespaced (EPCIS 2.0 has no standard ILMD fields). */
export function IsNamespacedObject(): PropertyDecorator {
  return propertyRule('isNamespacedObject', (value, propertyName) => {
    if (!isPlainObject(value)) return `${propertyName} must be an object`;
    const prefixes = declaredPrefixes();
    for (const key of Object.keys(value)) {
      const problem = namespaceProblem(key, prefixes);
      if (problem) return `${propertyName} field ${quote(key)} must be namespaced: ${problem}`;
    }
    return null;
  });
}

/** An event's own `@context` (it may add prefixes to the document's). */
export function IsEventContext(): PropertyDecorator {
  return propertyRule('isEventContext', (value) => eventContextProblem(value));
}

/** Any property check that is not worth a named decorator of its own. */
export function Check(name: string, check: PropertyCheck): PropertyDecorator {
  return propertyRule(name, check);
}

/**
 * An array of nested DTOs. IsObject each is needed because ValidateNested walks into an item
 * that is itself an array and finds nothing wrong with an empty one.
 */
export function NestedList(itemType: () => new () => object): PropertyDecorator {
  const decorators = [
    IsArray(),
    IsObject({ each: true, message: `each item of $property must be an object` }),
    ValidateNested({ each: true }),
    Type(itemType),
  ];
  return (target, propertyKey) => {
    for (const decorator of decorators) decorator(target, propertyKey);
  };
}

/** One nested DTO object. */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  const decorators = [IsObject(), ValidateNested(), Type(type)];
  return (target, propertyKey) => {
    for (const decorator of decorators) decorator(target, propertyKey);
  };
}
