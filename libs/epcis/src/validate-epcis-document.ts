import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync, ValidatorOptions } from 'class-validator';
import { EpcisDocumentDto } from './epcis-document.dto';
import { EPCIS_EVENT_DTOS, EPCIS_EVENT_TYPES, EpcisEventType } from './epcis-events.dto';
import {
  collectDeclaredPrefixes,
  isPlainObject,
  quote,
  withDeclaredPrefixes,
} from './json-ld-context';

export interface EpcisValidationError {
  /** Where the problem is, e.g. "epcisBody.eventList[1].bizStep"; "" for the document itself. */
  path: string;
  message: string;
}

export type EpcisValidationResult =
  | {
      valid: true;
      /** The body as given (not a class instance). */
      document: Record<string, unknown>;
      /** The events of epcisBody.eventList as given, in order. */
      events: Record<string, unknown>[];
    }
  | { valid: false; errors: EpcisValidationError[] };

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: false,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/**
 * Nesting deeper than this is refused before class-transformer, which recurses once per level
 * and would overflow the stack on hostile input. Real EPCIS documents stay under 10 levels.
 */
export const MAX_EPCIS_NESTING_DEPTH = 64;

/** Cap on reported errors, so a huge broken document does not produce a huge 400 body. */
export const MAX_EPCIS_VALIDATION_ERRORS = 100;

/**
 * Keys that class-transformer would either skip (inherited Object.prototype members) or
 * turn into a prototype change. No EPCIS field is named so; refusing them keeps validation
 * about what the document says.
 */
const UNSAFE_KEYS = new Set([
  '__proto__',
  'constructor',
  'prototype',
  ...Object.getOwnPropertyNames(Object.prototype),
]);

const EVENT_LIST_PATH = 'epcisBody.eventList';

/** Depth or unsafe-key problem of a JSON value, found without recursion. */
function structureProblem(root: unknown): EpcisValidationError | null {
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_EPCIS_NESTING_DEPTH) {
      return { path, message: `nested more than ${MAX_EPCIS_NESTING_DEPTH} levels deep` };
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        pending.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }),
      );
      continue;
    }
    for (const key of Object.keys(value)) {
      const keyPath = joinPath(path, key);
      if (UNSAFE_KEYS.has(key))
        return { path: keyPath, message: `field name ${quote(key)} is not allowed` };
      pending.push({
        value: (value as Record<string, unknown>)[key],
        path: keyPath,
        depth: depth + 1,
      });
    }
  }
  return null;
}

function joinPath(parent: string, property: string): string {
  if (property === '') return parent;
  return parent === '' ? property : `${parent}.${property}`;
}

/** class-validator's error tree as flat paths: array items as [i], object-level rules on the object. */
function flattenErrors(
  errors: ValidationError[],
  parentPath: string,
  parentIsArray: boolean,
  out: EpcisValidationError[],
): void {
  for (const error of errors) {
    // forbidUnknownValues reports a value of no known class with no property name.
    const property = typeof error.property === 'string' ? error.property : '';
    const path =
      parentIsArray && /^\d+$/.test(property)
        ? `${parentPath}[${property}]`
        : joinPath(parentPath, property);
    const messages = Object.values(error.constraints ?? {});
    // A field's constraints overlap ("is required", "must be an array"): its first one says it.
    // Object-level rules are independent of each other, so all of them are reported.
    for (const message of property === '' ? messages : messages.slice(0, 1)) {
      out.push({ path, message });
    }
    if (error.children && error.children.length > 0) {
      // With value: false the error keeps no value; children named by index come from an array.
      const childrenAreItems = error.children.every((child) =>
        /^\d+$/.test(String(child.property)),
      );
      flattenErrors(error.children, path, childrenAreItems, out);
    }
  }
}

function validateAgainst(
  dto: new () => object,
  plain: Record<string, unknown>,
  prefixes: ReadonlySet<string>,
  basePath: string,
  out: EpcisValidationError[],
): void {
  const instance = plainToInstance(dto, plain);
  const errors = withDeclaredPrefixes(prefixes, () => validateSync(instance, VALIDATOR_OPTIONS));
  flattenErrors(errors, basePath, false, out);
}

function isEventType(type: unknown): type is EpcisEventType {
  return typeof type === 'string' && (EPCIS_EVENT_TYPES as readonly string[]).includes(type);
}

function validateEvent(
  event: unknown,
  index: number,
  documentPrefixes: ReadonlySet<string>,
  out: EpcisValidationError[],
): void {
  const path = `${EVENT_LIST_PATH}[${index}]`;
  if (!isPlainObject(event)) {
    out.push({ path, message: 'event must be a JSON object' });
    return;
  }
  if (!isEventType(event.type)) {
    out.push({
      path: `${path}.type`,
      message: `type must be one of ${EPCIS_EVENT_TYPES.join(', ')}: ${quote(event.type)}`,
    });
    return;
  }
  // An event's own @context may declare more prefixes for its own fields and values.
  const prefixes =
    event['@context'] === undefined
      ? documentPrefixes
      : new Set([...documentPrefixes, ...collectDeclaredPrefixes(event['@context'])]);
  validateAgainst(EPCIS_EVENT_DTOS[event.type], event, prefixes, path, out);
}

function validateDocument(body: unknown): EpcisValidationResult {
  if (!isPlainObject(body)) {
    return {
      valid: false,
      errors: [{ path: '', message: 'an EPCIS document must be a JSON object' }],
    };
  }
  const structural = structureProblem(body);
  if (structural) return { valid: false, errors: [structural] };

  const errors: EpcisValidationError[] = [];
  const prefixes = collectDeclaredPrefixes(body['@context']);
  const epcisBody = body.epcisBody;
  const eventList = isPlainObject(epcisBody) ? epcisBody.eventList : undefined;
  const events = Array.isArray(eventList) ? (eventList as unknown[]) : [];
  // The envelope pass only needs to see that eventList is an array; handing it an empty one
  // spares class-transformer a deep copy of every event (they are validated one by one below).
  const envelope = Array.isArray(eventList)
    ? { ...body, epcisBody: { ...(epcisBody as Record<string, unknown>), eventList: [] } }
    : body;
  validateAgainst(EpcisDocumentDto, envelope, prefixes, '', errors);

  for (let index = 0; index < events.length; index++) {
    if (errors.length >= MAX_EPCIS_VALIDATION_ERRORS) break;
    validateEvent(events[index], index, prefixes, errors);
  }

  if (errors.length > 0) {
    return { valid: false, errors: errors.slice(0, MAX_EPCIS_VALIDATION_ERRORS) };
  }
  return { valid: true, document: body, events: events as Record<string, unknown>[] };
}

/**
 * Validates an EPCIS 2.0 JSON / JSON-LD capture document (EPCISDocument with its events).
 * Never throws: any input, however malformed, gives a result.
 */
export function validateEpcisDocument(body: unknown): EpcisValidationResult {
  try {
    return validateDocument(body);
  } catch (error) {
    // Defensive: a bug in a validator must become a refusal, not a 500.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      valid: false,
      errors: [{ path: '', message: `document could not be validated: ${reason}` }],
    };
  }
}
