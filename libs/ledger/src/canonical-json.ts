/**
 * RFC 8785 JSON Canonicalization Scheme. Values are validated first and anything JCS cannot
 * represent faithfully is refused (common JCS libraries silently drop `undefined`, call
 * `toJSON` on dates and round integers beyond 2^53): entry bytes must mean exactly what was
 * intended, because they are hashed and kept forever.
 */
export class CanonicalJsonError extends Error {}

export function canonicalize(value: unknown): string {
  return serialize(value, []);
}

/** The path to a value, built only when there is an error to report (hot path otherwise). */
type Path = (string | number)[];
const show = (path: Path) =>
  '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function serialize(value: unknown, path: Path): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return serializeNumber(value, path);
    case 'string':
      return serializeString(value, path);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${show(path)}: ${typeof value} has no JSON form`);
  }
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new CanonicalJsonError(`${show([...path, i])}: sparse array`);
      path.push(i);
      items.push(serialize(value[i], path));
      path.pop();
    }
    return `[${items.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(
      `${show(path)}: only plain objects (got ${proto?.constructor?.name})`,
    );
  }
  const object = value as Record<string, unknown>;
  // JCS sorts by UTF-16 code units, which is what JavaScript's default sort compares.
  const keys = Object.keys(object).sort();
  const members: string[] = [];
  for (const key of keys) {
    path.push(key);
    members.push(`${serializeString(key, path)}:${serialize(object[key], path)}`);
    path.pop();
  }
  return `{${members.join(',')}}`;
}

function serializeNumber(n: number, path: Path): string {
  if (!Number.isFinite(n)) throw new CanonicalJsonError(`${show(path)}: ${n} is not a JSON number`);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
    throw new CanonicalJsonError(
      `${show(path)}: integer ${n} is beyond 2^53 and would lose precision`,
    );
  }
  // ECMAScript Number-to-String is exactly the JCS number form (RFC 8785 §3.2.2.3); -0 → "0".
  return Object.is(n, -0) ? '0' : String(n);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** RFC 8785 §3.2.2.2 string form is ECMAScript's JSON.stringify for well-formed strings. */
function serializeString(s: string, path: Path): string {
  if (LONE_SURROGATE.test(s))
    throw new CanonicalJsonError(`${show(path)}: lone surrogate in string`);
  return JSON.stringify(s);
}
