import { Buffer } from 'node:buffer';
import { isWellFormedString } from './encoding';

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Values are validated before they are serialised, and anything JCS cannot represent
 * faithfully is refused: common JCS libraries silently drop `undefined`, call `toJSON` on
 * dates and round integers beyond 2^53, and entry bytes must mean exactly what the caller
 * meant because they are hashed and kept forever.
 */
export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

/** The canonical JSON text of `value`; throws CanonicalJsonError on anything JCS can't keep. */
export function canonicalize(value: unknown): string {
  // Within the validated domain JCS is JSON.stringify of key-sorted objects: native, and far
  // less garbage than building the text piece by piece (the sequencer encodes 1,000 entries
  // a batch). Anything the check is not sure of goes to the serializer, which names the fault.
  if (!('toJSON' in Object.prototype) && !('toJSON' in Array.prototype)) {
    const sorted = keySorted(value, 0);
    if (sorted !== UNSURE) return JSON.stringify(sorted);
  }
  return canonicalizeStrictly(value);
}

/** The reference serialiser: validates and writes member by member (the fast path's oracle). */
export function canonicalizeStrictly(value: unknown): string {
  return new Serializer().value(value);
}

/** UTF-8 bytes of the canonical JSON text: what the ledger hashes and stores. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

/**
 * RFC 8785 §3.2.2.3 number form, which is ECMAScript's Number::toString (-0 becomes "0").
 * Unlike `canonicalize`, this accepts integers beyond 2^53, so the RFC's whole table can be
 * checked; the ledger never stores them because they do not survive a JSON round trip.
 */
export function canonicalNumber(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new CanonicalJsonError(`${String(n)} is not a JSON number`);
  }
  return n === 0 ? '0' : String(n);
}

/** Whether JSON must escape anything in `s`: a quote, a backslash or a control character. */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

const UNSURE = Symbol('unsure');
/** Deeper than this, the serializer decides (it also finds cycles). */
const MAX_FAST_DEPTH = 64;
const hasOwn = Object.prototype.hasOwnProperty;

/** Keys JSON.stringify would not write in insertion order (array indexes), or would mis-set. */
function awkwardKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return key === '__proto__' || (c >= 0x30 && c <= 0x39 && /^(?:0|[1-9]\d*)$/.test(key));
}

/**
 * `value` unchanged when JSON.stringify already writes it canonically, a copy with sorted
 * keys where an object's keys are out of order, or UNSURE for anything the serializer must
 * judge (wrong types, lone surrogates, unsafe integers, holes, exotic objects, index-like
 * keys, depth). Copies only what must change.
 */
function keySorted(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return isWellFormedString(value) ? value : UNSURE;
    case 'number':
      return Number.isFinite(value) && (Number.isSafeInteger(value) || !Number.isInteger(value))
        ? value
        : UNSURE;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return value;
      if (depth > MAX_FAST_DEPTH) return UNSURE;
      if (Array.isArray(value)) return sortedArray(value, depth);
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return UNSURE;
      if (Object.getOwnPropertySymbols(value).length > 0) return UNSURE;
      const record = value as Record<string, unknown>;
      let previous: string | null = null;
      let inOrder = true;
      // Members that are themselves copies, by key (rare: most objects are kept as they are).
      let changed: Record<string, unknown> | null = null;
      for (const key in record) {
        if (!hasOwn.call(record, key)) continue;
        if (awkwardKey(key) || !isWellFormedString(key)) return UNSURE;
        if (previous !== null && !(previous < key)) inOrder = false;
        previous = key;
        const member = keySorted(record[key], depth + 1);
        if (member === UNSURE) return UNSURE;
        if (member !== record[key])
          (changed ??= Object.create(null) as Record<string, unknown>)[key] = member;
      }
      if (inOrder && changed === null) return value;
      const keys = Object.keys(record);
      if (!inOrder) sortKeys(keys);
      const copy: Record<string, unknown> = {};
      for (const key of keys) {
        copy[key] = changed !== null && key in changed ? changed[key] : record[key];
      }
      return copy;
    }
    default:
      return UNSURE;
  }
}

/**
 * Sorts by UTF-16 code units (`<` on strings), the order RFC 8785 §3.2.3 requires. Insertion
 * sort: objects have few keys, and Array.prototype.sort allocates a work area every call.
 */
function sortKeys(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
}

function sortedArray(array: unknown[], depth: number): unknown {
  if (Object.getPrototypeOf(array) !== Array.prototype) return UNSURE;
  let out = array;
  for (let i = 0; i < array.length; i++) {
    if (!(i in array)) return UNSURE;
    const item = keySorted(array[i], depth + 1);
    if (item === UNSURE) return UNSURE;
    if (item !== array[i]) {
      if (out === array) out = array.slice();
      out[i] = item;
    }
  }
  return out;
}

type PathItem = string | number;

/**
 * One serialisation. The path and the ancestor list are kept as push/pop stacks so that the
 * error message can name the offending member without allocating on the hot path.
 */
class Serializer {
  private readonly path: PathItem[] = [];
  private readonly ancestors: object[] = [];

  value(v: unknown): string {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        if (v === null) return 'null';
        return Array.isArray(v) ? this.array(v) : this.object(v);
      default:
        // undefined, function, symbol, bigint: JSON.stringify would drop or throw on these.
        return this.fail(`${typeof v} has no JSON form`);
    }
  }

  private number(n: number): string {
    if (!Number.isFinite(n)) return this.fail(`${n} is not a JSON number`);
    if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
      return this.fail(`integer ${n} is beyond 2^53 and would not survive a JSON round trip`);
    }
    return n === 0 ? '0' : String(n);
  }

  private string(s: string): string {
    if (!isWellFormedString(s)) return this.fail('lone surrogate in string');
    // For well-formed strings, JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 says; most
    // strings need no escape at all, and skipping the call makes entries ~3x faster to encode.
    return needsEscape(s) ? JSON.stringify(s) : `"${s}"`;
  }

  private array(a: unknown[]): string {
    if (Object.getPrototypeOf(a) !== Array.prototype) {
      return this.fail('only plain arrays (not subclasses) have a canonical form');
    }
    this.enter(a);
    let out = '[';
    for (let i = 0; i < a.length; i++) {
      this.path.push(i);
      // A hole reads as undefined and JSON.stringify would write null for it.
      if (!(i in a)) this.fail('sparse array');
      if (i > 0) out += ',';
      out += this.value(a[i]);
      this.path.pop();
    }
    this.leave();
    return out + ']';
  }

  private object(o: object): string {
    const proto: unknown = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
      const toJson = typeof (o as { toJSON?: unknown }).toJSON === 'function';
      return this.fail(
        `only plain objects have a canonical form (got ${kind ?? 'an exotic object'}` +
          (toJson ? ', which JSON.stringify would replace through toJSON)' : ')'),
      );
    }
    if (Object.getOwnPropertySymbols(o).length > 0) {
      return this.fail('symbol-keyed properties have no JSON form');
    }
    this.enter(o);
    const record = o as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
    const keys = Object.keys(record).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      this.path.push(key);
      if (i > 0) out += ',';
      out += this.string(key);
      out += ':';
      out += this.value(record[key]);
      this.path.pop();
    }
    this.leave();
    return out + '}';
  }

  private enter(container: object): void {
    if (this.ancestors.includes(container)) this.fail('cyclic structure');
    this.ancestors.push(container);
  }

  private leave(): void {
    this.ancestors.pop();
  }

  private fail(reason: string): never {
    const where = this.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `[${JSON.stringify(p)}]`))
      .join('');
    throw new CanonicalJsonError(`$${where}: ${reason}`);
  }
}
