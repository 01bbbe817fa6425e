import { canonicalize, CanonicalJsonError } from './canonical-json';

describe('RFC 8785 canonical JSON', () => {
  // Integers beyond 2^53 (1e21 in the RFC's table) are refused by design: see below.
  it('serialises numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1.5e-10, '1.5e-10'],
      [1e-7, '1e-7'],
      [333333333.3333333, '333333333.3333333'],
      [9007199254740991, '9007199254740991'],
      [-1.5, '-1.5'],
      [4.5, '4.5'],
      [2e-3, '0.002'],
      [0.000001, '0.000001'],
      [5e-324, '5e-324'],
    ];
    for (const [n, s] of cases) expect(canonicalize(n)).toBe(s);
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Compared as text: JSON.parse would put the integer-like key "1" first again.
    const keys = [...canonicalize(value).matchAll(/"([^"]*)":"[^"]*"/g)].map((m) => m[1]);
    expect(keys).toEqual(['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('escapes strings minimally and keeps non-ASCII as is', () => {
    expect(canonicalize({ s: '\u20ac$\u000f\nA\'B"\\\\"/' })).toBe(
      '{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    expect(canonicalize([true, null, { b: [], a: {} }])).toBe('[true,null,{"a":{},"b":[]}]');
  });

  it.each([
    ['undefined member', { a: undefined }],
    ['undefined item', [undefined]],
    ['a function', { f: () => 1 }],
    ['a Date', { d: new Date(0) }],
    ['a class instance', { m: new Map() }],
    ['NaN', NaN],
    ['Infinity', { x: Infinity }],
    ['an unsafe integer', 2 ** 53],
    ['a BigInt', { b: BigInt(1) }],
    ['a lone surrogate', '\ud800x'],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
  ])('refuses %s instead of guessing', (_what, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
  });
});
