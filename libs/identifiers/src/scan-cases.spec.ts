import { loadScanCases, type ScanCase } from '../test/gs1-fixtures';
import { buildDigitalLink } from './digital-link-builder';
import { DigitalLinkParser } from './digital-link-parser';
import { formatUnbracketed } from './gs1-element-string-parser';
import { parseScan, type ParseScanOptions, type ScanResult } from './scan-parser';

/**
 * All 524 cases of scan-cases.json (gs1-syntax-engine, digital-link.js and
 * GS1DigitalLinkToolkit.js tests). Each verdict is the source test's verdict for the function
 * it names, so the options mirror that function and its flags.
 */
const cases = loadScanCases();

/** Source functions that only parse: their verdicts ignore the AI combination rules. */
const PARSE_ONLY_FUNCTIONS = new Set([
  'gs1_parseAIdata (test_ai_parseAIdata)',
  'gs1_parseAIdata linter checks (test_ai_linters)',
  'gs1_processAIdata (test_ai_processAIdata)',
  'gs1_parseDLuri (test_dl_parseDLuri)',
]);

/** digital-link.js and the GS1 DL toolkit accept GTIN-8/12/13, trailing "/" and /gtin/ etc. */
const isLenientDigitalLinkTool = (c: ScanCase): boolean =>
  c.id.startsWith('dljs-') || c.id.startsWith('toolkit-');

function optionsFor(c: ScanCase): ParseScanOptions {
  const flags = c.flags ?? {};
  const lenient = isLenientDigitalLinkTool(c);
  return {
    validateAssociations: !PARSE_ONLY_FUNCTIONS.has(c.source_function ?? ''),
    // Inputs of this kind are in the engine's notation, where "^" is FNC1.
    caretIsFnc1: c.kind === 'unbracketed_element_string',
    permitUnknownAis: flags.permitUnknownAIs === true,
    permitUnknownAisAsDataAttributes: flags.validation_UNKNOWN_AI_NOT_DL_ATTR === false,
    permitZeroSuppressedGtin: flags.permitZeroSuppressedGTINinDLuris === true || lenient,
    permitConvenienceAlphas: flags.permitConvenienceAlphas === true || lenient,
    permitTrailingSlash: lenient,
    sortKeyQualifiers: flags.setSortKeyQualifiers === true,
  };
}

/**
 * Cases where parseScan deliberately differs from the source verdict, each group with its
 * reason and with an assertion of what parseScan does instead.
 */
const OUT_OF_SCOPE: readonly {
  group: string;
  reason: string;
  ids: readonly string[];
  expectation: (result: ScanResult) => void;
}[] = [
  {
    group: 'plain (non-GS1) payloads',
    reason:
      'The engine accepts plain text (]Q1, ]d1, ]J0 data, "TESTING", a mixed-case http URI) as valid non-GS1 data. A pharmacy scan must identify a pack, so parseScan refuses plain text that is neither a Digital Link nor a China drug code.',
    ids: [
      'engine-scandata-852',
      'engine-scandata-853',
      'engine-scandata-854',
      'engine-scandata-855',
      'engine-scandata-874',
      'engine-scandata-879',
      'engine-scandata-880',
      'engine-scandata-881',
      'engine-scandata-882',
      'engine-scandata-894',
      'engine-scandata-895',
      'engine-scandata-896',
      'engine-scandata-897',
      'engine-api-1717',
      'engine-api-1758',
    ],
    expectation: (result) => {
      expect(result.valid).toBe(false);
      expect(result.subcode).toBe('UNKNOWN_SYMBOLOGY');
      expect(['NOT_GS1_DATA', 'DL_BAD_SCHEME']).toContain(result.reason);
    },
  },
  {
    group: 'compressed Digital Link',
    reason:
      'digital-link.js decompresses GS1 Digital Link compressed URIs; packs for this zone carry uncompressed links and no decompression table is part of this library.',
    ids: ['dljs-523'],
    expectation: (result) => expect(result.reason).toBe('DL_NO_PRIMARY_KEY'),
  },
  {
    group: 'digital-link.js check-digit quirk',
    reason:
      'digital-link.js calls a GIAI (8004) invalid because it has no check digit; GS1 gives the GIAI none, and the GS1 Syntax Engine accepts it, as does parseScan.',
    ids: ['dljs-697', 'dljs-699'],
    expectation: (result) => {
      expect(result.valid).toBe(true);
      expect(result.ais?.[0].ai).toBe('8004');
    },
  },
  {
    group: 'North American coupons (8110, 8112)',
    reason:
      'Retail coupon AIs never appear on medicine packs; parseScan refuses them as unsupported rather than running the coupon linters, so the verdict (invalid) matches but not the linter named.',
    ids: cases.filter((c) => /^\(811[02]\)/.test(c.input)).map((c) => c.id),
    expectation: (result) => {
      expect(result.valid).toBe(false);
      expect(result.reason).toBe('UNSUPPORTED_AI');
    },
  },
];

const outOfScope = new Map(OUT_OF_SCOPE.flatMap((g) => g.ids.map((id) => [id, g] as const)));

const SYMBOLOGY_IDS: Record<string, string[]> = {
  DM: [']d1', ']d2'],
  QR: [']Q1', ']Q3'],
  DotCode: [']J0', ']J1'],
  DataBarExpanded: [']e0'],
  GS1_128_CCA: [']C1'],
  EAN13: [']E0'],
  EAN8: [']E4'],
};

describe('scan-cases.json', () => {
  it('has the 524 cases the vectors README announces', () => {
    expect(cases).toHaveLength(524);
  });

  describe.each(OUT_OF_SCOPE.map((g) => [g.group, g] as const))('out of scope: %s', (_, group) => {
    it('names cases that exist, with a reason', () => {
      expect(group.reason.length).toBeGreaterThan(40);
      for (const id of group.ids) expect(cases.some((c) => c.id === id)).toBe(true);
    });

    it.each(group.ids)('%s', (id) => {
      const c = cases.find((x) => x.id === id) as ScanCase;
      group.expectation(parseScan(c.input, optionsFor(c)));
    });
  });

  const inScope = cases.filter((c) => !outOfScope.has(c.id));

  it.each(inScope.map((c) => [`${c.id} ${JSON.stringify(c.input)}`, c] as const))('%s', (_, c) => {
    if (c.expected_parse) {
      const expected = c.expected_parse;
      const parsed = new DigitalLinkParser(optionsFor(c)).parse(c.input);
      if (!parsed.ok) throw new Error(`refused: ${parsed.failure.reason}`);
      const link = parsed.result;
      const [key, ...qualifiers] = link.path;
      const [keyAi, keyValue] = Object.entries(expected.identifier)[0];
      expect(link.stem).toBe(expected.domain);
      expect(key.ai).toBe(keyAi);
      // GTINs come back as GTIN-14, digital-link.js keeps the digits as written.
      expect(key.value).toBe(keyAi === '01' ? keyValue.padStart(14, '0') : keyValue);
      expect(Object.fromEntries(qualifiers.map((q) => [q.ai, q.value]))).toEqual(
        expected.keyQualifiers ?? {},
      );
      const others = link.otherQueryParameters.map((p) => p.split('='));
      expect(
        Object.fromEntries([
          ...link.attributes.map((a) => [a.ai, a.value]),
          ...others.filter(([k]) => k !== 'linkType'),
        ]),
      ).toEqual(expected.attributes ?? {});
      expect(others.find(([k]) => k === 'linkType')?.[1]).toBe(expected.linkType);
      return;
    }

    const result = parseScan(c.input, optionsFor(c));
    const why = `${result.reason ?? 'valid'}: ${result.detail ?? ''}`;

    if (c.expected_check_digit_valid !== undefined) {
      expect({ valid: result.valid, why }).toMatchObject({ valid: c.expected_check_digit_valid });
      if (!c.expected_check_digit_valid) expect(result.subcode).toBe('CHECK_DIGIT');
      return;
    }

    expect({ valid: result.valid, why }).toMatchObject({ valid: c.expected_valid });
    if (c.expected_ais) expect(result.ais ?? []).toEqual(c.expected_ais);
    if (c.expected_linter_result && c.expected_linter_result !== 'GS1_LINTER_OK') {
      expect(`GS1_LINTER_${result.reason}`).toBe(c.expected_linter_result);
    }
    if (c.expected_symbology && c.expected_symbology !== 'NONE') {
      expect(SYMBOLOGY_IDS[c.expected_symbology]).toContain(result.symbology);
    }
    if (c.expected_element_string) {
      expect(formatUnbracketed(result.ais ?? [], { fixedLengthFirst: true })).toBe(
        c.expected_element_string,
      );
    }
    if (c.expected_dl_uri) expect(buildDigitalLink(result.ais ?? [])).toBe(c.expected_dl_uri);
  });
});
