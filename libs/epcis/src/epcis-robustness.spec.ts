import { loadFixtures } from './test-fixtures';
import {
  EpcisValidationResult,
  MAX_EPCIS_NESTING_DEPTH,
  validateEpcisDocument,
} from './validate-epcis-document';

/** Deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TRICKY_STRINGS = [
  '',
  ' ',
  'ObjectEvent',
  'EPCISDocument',
  '__proto__',
  'constructor',
  'toString',
  'urn:epc:id:sgtin:0614141.107346.2017',
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  '2026-07-22T06:45:00+02:00',
  '+02:00',
  'shipping',
  'ADD',
  '\u0000\ud800',
  'x'.repeat(10_000),
];
const FIELD_NAMES = [
  'type',
  'eventTime',
  'epcList',
  'quantityList',
  'quantity',
  'ilmd',
  'action',
  '@context',
  'epcisBody',
  'eventList',
  '__proto__',
  'constructor',
  'ex:field',
];

class JsonFuzzer {
  constructor(readonly random: () => number) {}

  integer(below: number): number {
    return Math.floor(this.random() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.integer(items.length)];
  }

  string(): string {
    if (this.random() < 0.5) return this.pick(TRICKY_STRINGS);
    const length = this.integer(20);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(this.integer(0x3000));
    return text;
  }

  scalar(): Json {
    return this.pick<() => Json>([
      () => null,
      () => this.random() < 0.5,
      () => this.pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER]),
      () => this.string(),
    ])();
  }

  value(depth: number): Json {
    if (depth <= 0 || this.random() < 0.3) return this.scalar();
    if (this.random() < 0.5) {
      return Array.from({ length: this.integer(4) }, () => this.value(depth - 1));
    }
    const object: { [key: string]: Json } = {};
    for (let i = this.integer(5); i > 0; i--) {
      // defineProperty, as JSON.parse does: a plain assignment to __proto__ would not be a key.
      Object.defineProperty(object, this.random() < 0.6 ? this.pick(FIELD_NAMES) : this.string(), {
        value: this.value(depth - 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }

  /** A chain nested `depth` levels, alternating arrays and objects. */
  deep(depth: number): Json {
    let value: Json = 'bottom';
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { nested: value };
    return value;
  }
}

/** Every path to a value in `root`, as key lists. */
function allPaths(root: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  if (Array.isArray(root)) {
    root.forEach((item, index) => {
      paths.push([...prefix, index], ...allPaths(item, [...prefix, index]));
    });
  } else if (typeof root === 'object' && root !== null) {
    for (const [key, item] of Object.entries(root)) {
      paths.push([...prefix, key], ...allPaths(item, [...prefix, key]));
    }
  }
  return paths;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null
        ? (node as Record<string | number, unknown>)[key]
        : undefined,
    root,
  );
}

function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'string') return 42;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return {};
  if (typeof value === 'object' && value !== null) return [];
  return 'unexpected';
}

/** Values whose type the standard leaves open: ILMD entries and namespaced extension fields. */
function isFreeForm(path: (string | number)[]): boolean {
  return path.some(
    (key, index) =>
      typeof key === 'string' && (key.includes(':') || (key === 'ilmd' && index < path.length - 1)),
  );
}

function expectWellFormed(result: EpcisValidationResult): void {
  expect(typeof result.valid).toBe('boolean');
  if (result.valid) {
    expect(Array.isArray(result.events)).toBe(true);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(typeof error.path).toBe('string');
      expect(typeof error.message).toBe('string');
      // The catch-all refusal would mean a validator crashed: a bug, even if caught.
      expect(error.message).not.toMatch(/^document could not be validated/);
    }
  }
}

describe('validateEpcisDocument robustness', () => {
  const validFixtures = loadFixtures('valid');

  it('never throws on 2,000 generated garbage values and always gives a result', () => {
    const fuzzer = new JsonFuzzer(randomGenerator(20260722));
    for (let round = 0; round < 2000; round++) {
      let input: unknown;
      switch (round % 4) {
        case 0:
          input = fuzzer.value(1 + fuzzer.integer(8));
          break;
        case 1:
          input = fuzzer.random() < 0.5 ? fuzzer.string() : fuzzer.deep(fuzzer.integer(400));
          break;
        default: {
          // A real document with some of its values replaced by random JSON.
          const document = structuredClone(fuzzer.pick(validFixtures).document);
          const paths = allPaths(document);
          for (let i = 1 + fuzzer.integer(3); i > 0; i--) {
            const path = fuzzer.pick(paths);
            const parent = getAt(document, path.slice(0, -1));
            // An earlier replacement may have removed this path's parent.
            if (typeof parent === 'object' && parent !== null) {
              setAt(document, path, fuzzer.value(fuzzer.integer(4)));
            }
          }
          input = document;
        }
      }
      let result: EpcisValidationResult | undefined;
      expect(() => {
        result = validateEpcisDocument(input);
      }).not.toThrow();
      expectWellFormed(result!);
    }
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const fuzzer = new JsonFuzzer(randomGenerator(1));
    const document = structuredClone(validFixtures[0].document);
    (document.epcisBody as Record<string, unknown>).eventList = [
      { type: 'ObjectEvent', 'ex:deep': fuzzer.deep(100_000) },
    ];
    const result = validateEpcisDocument(document);
    expect(result).toEqual({
      valid: false,
      errors: [{ path: expect.any(String), message: expect.stringContaining('levels deep') }],
    });
    expect(MAX_EPCIS_NESTING_DEPTH).toBe(64);
  });

  it('copes with a huge document', () => {
    const document = structuredClone(
      validFixtures.find((f) => f.name === 'object-event-quantity-list.json')!.document,
    );
    const event = (document.epcisBody as { eventList: unknown[] }).eventList[0];
    (document.epcisBody as { eventList: unknown[] }).eventList = Array.from({ length: 5000 }, () =>
      structuredClone(event),
    );
    const result = validateEpcisDocument(document);
    expect(result.valid).toBe(true);
    if (result.valid) expect(result.events).toHaveLength(5000);
  });

  it('refuses __proto__ and other Object.prototype names as field names', () => {
    const document = structuredClone(validFixtures[0].document);
    const event = (document.epcisBody as { eventList: Record<string, unknown>[] }).eventList[0];
    Object.defineProperty(event, '__proto__', { value: {}, enumerable: true });
    expect(validateEpcisDocument(document)).toEqual({
      valid: false,
      errors: [{ path: 'epcisBody.eventList[0].__proto__', message: expect.any(String) }],
    });
    const parsed = JSON.parse(
      JSON.stringify(validFixtures[0].document).replace('"action"', '"toString":1,"action"'),
    ) as unknown;
    expect(validateEpcisDocument(parsed).valid).toBe(false);
  });

  it.each(validFixtures.map((fixture) => [fixture.name, fixture.document] as const))(
    'refuses %s with any one standard field set to a wrong type',
    (_name, document) => {
      const accepted: string[] = [];
      for (const path of allPaths(document).filter((p) => !isFreeForm(p))) {
        const mutated = structuredClone(document);
        setAt(mutated, path, wrongTypeFor(getAt(document, path)));
        if (validateEpcisDocument(mutated).valid) accepted.push(path.join('.'));
      }
      expect(accepted).toEqual([]);
    },
  );
});
