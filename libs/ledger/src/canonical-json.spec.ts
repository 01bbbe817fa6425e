import {
  canonicalBytes,
  canonicalize,
  canonicalizeStrictly,
  CanonicalJsonError,
  canonicalNumber,
} from './canonical-json';

/** The binary64 value with the given IEEE 754 bit pattern (RFC 8785 Appendix B writes them so). */
const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('RFC 8785 number serialisation', () => {
  // RFC 8785 Appendix B, copied by hand: IEEE 754 bits -> JSON text.
  const appendixB: [bits: string, text: string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(appendixB)('%s serialises as %s', (bits, text) => {
    expect(canonicalNumber(fromBits(bits))).toBe(text);
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [333333333.3333333, '333333333.3333333'],
    [9007199254740991, '9007199254740991'],
    [4.5, '4.5'],
    [2e-3, '0.002'],
    [1e-27, '1e-27'],
  ])('%p serialises as %s', (n, text) => {
    expect(canonicalNumber(n)).toBe(text);
  });

  it('refuses NaN and the infinities (Appendix B: 7fffffffffffffff, 7ff0000000000000)', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      expect(() => canonicalNumber(fromBits(bits))).toThrow(CanonicalJsonError);
    }
  });

  it('keeps every safe integer and fraction in values, and refuses integers beyond 2^53', () => {
    expect(
      canonicalize([0, -0, 9007199254740991, -9007199254740991, 1e-7, 333333333.3333333]),
    ).toBe('[0,0,9007199254740991,-9007199254740991,1e-7,333333333.3333333]');
    // These have exact JCS forms (above), but would not survive a round trip through the
    // JavaScript readers of the ledger, so entries may not contain them.
    for (const n of [2 ** 53, -(2 ** 53), 1e21, 1e30, Number.MAX_VALUE]) {
      expect(() => canonicalize({ n })).toThrow(/beyond 2\^53/);
    }
  });
});

describe('RFC 8785 structures and strings', () => {
  it('canonicalises the §3.2.2 example (without its 1E30, which the ledger refuses)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,4.5,0.002,1e-27],' +
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    const withBig = JSON.parse('{"numbers": [333333333.33333329, 1E30]}');
    expect(() => canonicalize(withBig)).toThrow('$["numbers"][1]: integer 1e+30 is beyond 2^53');
  });

  it('sorts keys by UTF-16 code units (§3.2.3 example)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders a surrogate pair (U+1F600) before U+FB33, unlike code point order would', () => {
    expect(canonicalize({ '\ufb33': 1, '\ud83d\ude00': 2, '\ue000': 3 })).toBe(
      '{"\ud83d\ude00":2,"\ue000":3,"\ufb33":1}',
    );
  });

  it('escapes only what JSON requires, with lowercase hex', () => {
    expect(canonicalize('\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f"\\/\u2028')).toBe(
      '"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f\\"\\\\/\u2028"',
    );
  });

  it('escapes a lone quote, backslash or control character too', () => {
    expect(canonicalize('say "hi"')).toBe('"say \\"hi\\""');
    expect(canonicalize('C:\\temp')).toBe('"C:\\\\temp"');
    expect(canonicalize('a\tb')).toBe('"a\\tb"');
    expect(canonicalize({ 'k"\\': 'plain' })).toBe('{"k\\"\\\\":"plain"}');
  });

  it('writes UTF-8 bytes, and nests objects and arrays without whitespace', () => {
    const value = { b: [1, { d: null, c: 'x' }], a: { '€': '😀' }, e: [] as unknown[], f: {} };
    expect(canonicalize(value)).toBe('{"a":{"€":"😀"},"b":[1,{"c":"x","d":null}],"e":[],"f":{}}');
    expect(canonicalBytes({ s: '€😀' }).toString('hex')).toBe(
      Buffer.from('{"s":"', 'utf8').toString('hex') + 'e282ac' + 'f09f9880' + '227d',
    );
  });

  it('accepts objects without a prototype', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.z = true;
    o.a = false;
    expect(canonicalize(o)).toBe('{"a":false,"z":true}');
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

describe('validation before canonicalisation', () => {
  class Thing {
    x = 1;
  }
  class WithToJson {
    toJSON() {
      return 'replaced';
    }
  }
  class MyArray extends Array<number> {}
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const cyclicArray: unknown[] = [];
  cyclicArray.push([cyclicArray]);

  it.each<[string, unknown, string | RegExp]>([
    ['undefined at the top', undefined, '$: undefined has no JSON form'],
    ['an undefined member', { a: 1, b: undefined }, '$["b"]: undefined has no JSON form'],
    ['an undefined item', [1, undefined], '$[1]: undefined has no JSON form'],
    ['a nested undefined', { a: [{ b: undefined }] }, '$["a"][0]["b"]: undefined'],
    ['a function', { f: () => 1 }, '$["f"]: function has no JSON form'],
    ['a toJSON member', { toJSON: () => 'x' }, '$["toJSON"]: function has no JSON form'],
    ['a symbol value', [Symbol('s')], '$[0]: symbol has no JSON form'],
    ['a symbol key', { [Symbol('k')]: 1 }, 'symbol-keyed properties'],
    ['a BigInt', { n: BigInt(1) }, '$["n"]: bigint has no JSON form'],
    ['NaN', NaN, 'NaN is not a JSON number'],
    ['Infinity', { x: Infinity }, 'Infinity is not a JSON number'],
    ['-Infinity', [-Infinity], '-Infinity is not a JSON number'],
    ['an unsafe integer', 2 ** 53, 'beyond 2^53'],
    ['a Date', { d: new Date(0) }, /Date, which JSON.stringify would replace through toJSON/],
    ['a class with toJSON', new WithToJson(), /WithToJson, which JSON.stringify would replace/],
    ['a class instance', { t: new Thing() }, /only plain objects .*Thing/],
    ['a Map', new Map([['a', 1]]), /Map/],
    ['a Buffer', { b: Buffer.from('x') }, /Buffer/],
    ['a typed array', new Uint8Array(2), /Uint8Array/],
    ['an Array subclass', MyArray.from([1]), 'only plain arrays'],
    ['a boxed string', { s: new String('x') }, /String/],
    ['a regular expression', /x/, /RegExp/],
    ['a sparse array', [1, , 3], '$[1]: sparse array'], // eslint-disable-line no-sparse-arrays
    ['a lone high surrogate', 'a\ud800b', 'lone surrogate'],
    ['a lone low surrogate', ['\udc00'], '$[0]: lone surrogate'],
    ['reversed surrogates', '\ude00\ud83d', 'lone surrogate'],
    ['a lone surrogate in a key', { '\ud800': 1 }, 'lone surrogate'],
    ['a cyclic object', cyclic, '$["self"]: cyclic structure'],
    ['a cyclic array', cyclicArray, '$[0][0]: cyclic structure'],
  ])('refuses %s', (_what, value, message) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalize(value)).toThrow(message);
  });
});

describe('agreement with JSON.stringify on sorted input', () => {
  // Within the validated domain JCS is JSON.stringify with sorted keys: checked on
  // deterministic pseudo-random values, escapes and non-ASCII text included.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const chars = [
    'a',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '/',
    '\n',
    '\u0001',
    '\u001f',
    '\u007f',
    '\u00e9',
    '\u20ac',
    '\ud83d\ude00',
    '\u2028',
  ];
  const randomString = () =>
    Array.from(
      { length: Math.floor(next() * 8) },
      () => chars[Math.floor(next() * chars.length)],
    ).join('');
  const randomValue = (depth: number): unknown => {
    switch (Math.floor(next() * (depth > 3 ? 5 : 7))) {
      case 0:
        return null;
      case 1:
        return next() < 0.5;
      case 2:
        return Math.floor((next() - 0.5) * 2 ** 40);
      case 3:
        return (next() - 0.5) * 10 ** Math.floor(next() * 30 - 20);
      case 4:
        return randomString();
      case 5:
        return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(depth + 1));
      default:
        // Keys start with a letter: JavaScript objects put integer-like keys first whatever
        // the insertion order, which would defeat the sorted copy below.
        return Object.fromEntries(
          Array.from({ length: Math.floor(next() * 5) }, () => [
            `k${randomString()}`,
            randomValue(depth + 1),
          ]),
        );
    }
  };
  const sortedCopy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortedCopy);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortedCopy(o[k])]),
    );
  };

  it('matches for 1000 random values, and is stable through a parse', () => {
    const mismatches: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const value = randomValue(0);
      const text = canonicalize(value);
      if (text !== JSON.stringify(sortedCopy(value))) mismatches.push(text);
      if (canonicalize(JSON.parse(text)) !== text) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('the fast path agrees with the strict serializer', () => {
  // canonicalize() takes JSON.stringify on key-sorted copies when it can prove that is JCS,
  // and otherwise the member-by-member serializer: both must give the same text or error.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const keys = ['b', 'a', 'aa', 'B', '€', '\ud83d\ude00', '\ufb33', '1', '10', '2', '01', '-1'];
  const keys2 = [...keys, '__proto__', 'constructor', 'toJSON', '\ud800', 'k"\\'];
  const leaves = [
    null,
    true,
    false,
    0,
    -0,
    1.5,
    -1e-7,
    2 ** 53 - 1,
    2 ** 53,
    NaN,
    Infinity,
    'plain',
    'quote " and \\ and \n',
    '\u2028😀',
    'lone \udc00',
    undefined,
  ];
  const randomValue = (depth: number, awkward: boolean): unknown => {
    const kind = Math.floor(next() * (depth > 3 ? 2 : 4));
    if (kind < 2) return pick(awkward ? leaves : leaves.slice(0, 9).concat(leaves.slice(11, 14)));
    if (kind === 2) {
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(depth + 1, awkward));
    }
    // JSON.parse, as a job's data arrives: own '__proto__' keys and all.
    const members = Array.from(
      { length: Math.floor(next() * 5) },
      () => `${JSON.stringify(pick(awkward ? keys2 : keys))}:null`,
    );
    const o = JSON.parse(`{${members.join(',')}}`) as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = randomValue(depth + 1, awkward);
    return o;
  };
  const outcome = (f: (v: unknown) => string, v: unknown) => {
    try {
      return f(v);
    } catch (err) {
      return `error ${(err as Error).name}: ${(err as Error).message}`;
    }
  };

  it.each([false, true])('on 2000 random values (awkward keys and values: %p)', (awkward) => {
    const mismatches: unknown[] = [];
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(0, awkward);
      const fast = outcome(canonicalize, value);
      const strict = outcome(canonicalizeStrictly, value);
      if (fast !== strict) mismatches.push({ fast, strict });
    }
    expect(mismatches).toEqual([]);
  });

  it('on objects already in order, shared and nested deeper than the fast path goes', () => {
    const shared = { a: [1, { b: 2 }] };
    let deep: unknown = { z: 1, a: 2 };
    for (let i = 0; i < 100; i++) deep = [deep, { y: i }];
    for (const value of [
      { a: shared, b: shared },
      deep,
      Object.assign(Object.create(null), { b: 1, a: 2 }),
    ]) {
      expect(canonicalize(value)).toBe(canonicalizeStrictly(value));
    }
  });
});
