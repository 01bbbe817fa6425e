import { GS } from './gs1-element-string-parser';
import { parseScan } from './scan-parser';

const GTIN = '09520123456788';
const now = new Date('2025-06-15T00:00:00Z');

describe('parseScan: GS1 DataMatrix from a pack', () => {
  it('reads ]d2 data with GS after the variable-length lot', () => {
    const result = parseScan(`]d201${GTIN}17270300` + `10ABC123${GS}21SN7Q4K9XW2`, { now });
    expect(result).toEqual({
      input: `]d201${GTIN}1727030010ABC123${GS}21SN7Q4K9XW2`,
      valid: true,
      scheme: 'GS1',
      symbology: ']d2',
      gtin: GTIN,
      lot: 'ABC123',
      serial: 'SN7Q4K9XW2',
      expiry: '2027-03-31',
      ais: [
        { ai: '01', value: GTIN },
        { ai: '17', value: '270300' },
        { ai: '10', value: 'ABC123' },
        { ai: '21', value: 'SN7Q4K9XW2' },
      ],
    });
  });

  it('warns SUSPECT_MISSING_GS when the same data lost its GS: the serial vanished into the lot', () => {
    const result = parseScan(`]d201${GTIN}17270300` + `10ABC12321SN7Q4K9XW2`, { now });
    expect(result.valid).toBe(true);
    expect(result.lot).toBe('ABC12321SN7Q4K9XW2');
    expect(result.serial).toBeUndefined();
    expect(result.warnings).toEqual(['SUSPECT_MISSING_GS']);
    expect(result.detail).toContain('"ABC123" followed by SERIAL (21) "SN7Q4K9XW2"');
  });

  it('warns when a lot swallowed an expiry (17 and a valid YYMMDD)', () => {
    const result = parseScan(`]d201${GTIN}21SN7Q4K9XW2${GS}10LOT4417270331`, { now });
    expect(result.warnings).toEqual(['SUSPECT_MISSING_GS']);
    expect(result.expiry).toBeUndefined();
    expect(result.detail).toContain('USE BY or EXPIRY (17) "270331"');
  });

  it('warns, and says why, when lot and serial run together past 20 characters', () => {
    const result = parseScan(`]d201${GTIN}10LOT2025A0121SN7Q4K9XW2ZZ`);
    expect(result).toMatchObject({
      valid: false,
      code: 'BARCODE_INVALID',
      subcode: 'VALUE_TOO_LONG',
      warnings: ['SUSPECT_MISSING_GS'],
    });
    expect(result.detail).toContain('SERIAL (21) "SN7Q4K9XW2ZZ"');
  });

  it('does not warn about a short "21" inside a lot, nor after bracketed or Digital Link input', () => {
    expect(parseScan(`]d201${GTIN}10LOT21A`).warnings).toBeUndefined();
    expect(parseScan(`(01)${GTIN}(10)ABC12321SN7Q4K9XW2`).warnings).toBeUndefined();
    expect(
      parseScan(`https://id.gs1.org/01/${GTIN}/10/ABC12321SN7Q4K9XW2`).warnings,
    ).toBeUndefined();
  });

  it('accepts the other GS1 symbology identifiers and no identifier at all', () => {
    const data = `01${GTIN}10ABC${GS}21XYZ1`;
    for (const symbology of [']Q3', ']C1', ']e0', ']J1']) {
      expect(parseScan(symbology + data)).toMatchObject({
        valid: true,
        symbology,
        lot: 'ABC',
        serial: 'XYZ1',
      });
    }
    expect(parseScan(data)).toMatchObject({ valid: true, lot: 'ABC', serial: 'XYZ1' });
    // Some scanners send the leading FNC1 as GS.
    expect(parseScan(`]d2${GS}${data}`)).toMatchObject({ valid: true, serial: 'XYZ1' });
  });

  it.each([
    ['ASCII 29', GS],
    ['<GS>', '<GS>'],
    ['{GS}', '{GS}'],
    ['\\x1d', '\\x1d'],
    ['\\u001d', '\\u001d'],
    ['\\u001D', '\\u001D'],
    ['␝ (U+241D)', '\u241d'],
  ])('reads the GS spelling %s', (_, separator) => {
    const result = parseScan(`]d201${GTIN}10ABC${separator}21XYZ1\r\n`);
    expect(result).toMatchObject({ valid: true, lot: 'ABC', serial: 'XYZ1' });
  });

  it('reads "^" as FNC1 only in the engine notation', () => {
    expect(parseScan(`^01${GTIN}10ABC^21XYZ1`, { caretIsFnc1: true })).toMatchObject({
      valid: true,
      lot: 'ABC',
      serial: 'XYZ1',
    });
    expect(parseScan(`]d201${GTIN}10ABC^21XYZ1`)).toMatchObject({
      valid: false,
      reason: 'INVALID_CSET82_CHARACTER',
    });
  });

  it('reads bracketed element strings, with \\( escaping a bracket in a value', () => {
    expect(parseScan(`(01)${GTIN}(17)270300(10)AB\\(1(21)XYZ1`, { now })).toMatchObject({
      valid: true,
      lot: 'AB(1',
      expiry: '2027-03-31',
    });
  });
});

describe('parseScan: expiry (AI 17)', () => {
  it.each([
    ['240200', '2024-02-29'],
    ['250200', '2025-02-28'],
    ['280200', '2028-02-29'],
    ['260400', '2026-04-30'],
    ['261200', '2026-12-31'],
    ['260415', '2026-04-15'],
  ])('day 00 of %s is the last day of the month: %s', (yymmdd, expected) => {
    expect(parseScan(`(01)${GTIN}(17)${yymmdd}`, { now }).expiry).toBe(expected);
  });

  it('places two-digit years within 50 years of now (GS1 General Specifications 7.12)', () => {
    expect(parseScan(`(01)${GTIN}(17)750101`, { now }).expiry).toBe('2075-01-01');
    expect(parseScan(`(01)${GTIN}(17)760101`, { now }).expiry).toBe('1976-01-01');
  });

  it('refuses impossible dates with ILLEGAL_DATE', () => {
    for (const yymmdd of ['250230', '251301', '250431']) {
      expect(parseScan(`(01)${GTIN}(17)${yymmdd}`)).toMatchObject({
        valid: false,
        code: 'BARCODE_INVALID',
        subcode: 'ILLEGAL_DATE',
      });
    }
  });
});

describe('parseScan: GS1 Digital Link', () => {
  it('reads path key qualifiers and query attributes on any host', () => {
    const result = parseScan(
      `https://dl.pharma.example/p/01/${GTIN}/10/AB%2F1/21/X%2B1?17=270300&linkType=gs1:pip`,
      { now },
    );
    expect(result).toMatchObject({
      valid: true,
      scheme: 'GS1_DL',
      gtin: GTIN,
      lot: 'AB/1',
      serial: 'X+1',
      expiry: '2027-03-31',
    });
  });

  it('refuses key qualifiers out of the dlpkey order 22, 10, 21', () => {
    const result = parseScan(`https://id.gs1.org/01/${GTIN}/21/XYZ1/10/ABC`);
    expect(result).toMatchObject({
      valid: false,
      scheme: 'GS1_DL',
      subcode: 'UNKNOWN_SYMBOLOGY',
      reason: 'DL_KEY_QUALIFIER_ORDER',
    });
    expect(result.detail).toContain('in that order');
    expect(
      parseScan(`https://id.gs1.org/01/${GTIN}/21/XYZ1/10/ABC`, { sortKeyQualifiers: true }),
    ).toMatchObject({ valid: true, lot: 'ABC', serial: 'XYZ1' });
  });

  it('refuses a lot given as a query parameter: it belongs in the path', () => {
    expect(parseScan(`https://id.gs1.org/01/${GTIN}?10=ABC`).reason).toBe('DL_AI_BELONGS_IN_PATH');
  });

  it('reads a Digital Link carried in a QR Code or DataMatrix', () => {
    for (const symbology of [']Q1', ']d1']) {
      expect(parseScan(`${symbology}https://id.gs1.org/01/${GTIN}/21/XYZ1`)).toMatchObject({
        valid: true,
        scheme: 'GS1_DL',
        symbology,
        serial: 'XYZ1',
      });
    }
  });

  it('checks the GTIN check digit in the path', () => {
    expect(parseScan('https://id.gs1.org/01/09520123456789').subcode).toBe('CHECK_DIGIT');
  });
});

describe('parseScan: China drug traceability code (CN20)', () => {
  it('accepts 20 digits starting with 8, shape only', () => {
    expect(parseScan('81234567890123456789')).toEqual({
      input: '81234567890123456789',
      valid: true,
      scheme: 'CN20',
      cnCode: '81234567890123456789',
    });
    expect(parseScan(']C089123456789012345678')).toMatchObject({
      valid: true,
      scheme: 'CN20',
      symbology: ']C0',
    });
    expect(parseScan(']d189123456789012345678')).toMatchObject({ valid: true, scheme: 'CN20' });
  });

  it('does not take other digit strings for CN20', () => {
    expect(parseScan('71234567890123456789').scheme).not.toBe('CN20');
    expect(parseScan('8123456789012345678').scheme).not.toBe('CN20');
    expect(parseScan(']d1812345678901234567890')).toMatchObject({
      valid: false,
      reason: 'NOT_GS1_DATA',
    });
  });
});

describe('parseScan: SSCC and bare keys', () => {
  it('reads an SSCC on its own, as (00) and in a Digital Link', () => {
    expect(parseScan('106141411234567897')).toEqual({
      input: '106141411234567897',
      valid: true,
      scheme: 'SSCC',
      sscc: '106141411234567897',
    });
    expect(parseScan('(00)106141411234567897')).toMatchObject({
      valid: true,
      scheme: 'SSCC',
      sscc: '106141411234567897',
    });
    expect(parseScan(']C100106141411234567897')).toMatchObject({ valid: true, scheme: 'SSCC' });
    expect(parseScan('https://id.gs1.org/00/106141411234567897')).toMatchObject({
      scheme: 'GS1_DL',
      sscc: '106141411234567897',
    });
  });

  it('refuses an SSCC with a wrong check digit', () => {
    for (const input of ['106141411234567890', '(00)106141411234567890']) {
      expect(parseScan(input)).toMatchObject({
        valid: false,
        scheme: 'SSCC',
        subcode: 'CHECK_DIGIT',
        reason: 'INCORRECT_CHECK_DIGIT',
      });
    }
  });

  it('reads a bare GTIN-14, GTIN-13 and EAN-13 with its symbology identifier', () => {
    expect(parseScan(GTIN)).toMatchObject({ valid: true, scheme: 'GS1', gtin: GTIN });
    expect(parseScan('9520123456788')).toMatchObject({ valid: true, gtin: GTIN });
    expect(parseScan(']E09520123456788')).toMatchObject({
      valid: true,
      gtin: GTIN,
      symbology: ']E0',
    });
    expect(parseScan('09520123456787').subcode).toBe('CHECK_DIGIT');
  });
});

describe('parseScan: refusals carry a subcode and plain words', () => {
  it.each([
    [`(01)${GTIN.slice(0, 13)}9`, 'CHECK_DIGIT', 'INCORRECT_CHECK_DIGIT'],
    [`(01)${GTIN}(17)250231`, 'ILLEGAL_DATE', 'ILLEGAL_DAY'],
    ['(10)ABC(21)XYZ1', 'MISSING_REQUIRED_AI', 'REQUIRED_AI_MISSING'],
    [`(01)${GTIN}(10)ABC(10)ABD`, 'MISSING_REQUIRED_AI', 'CONFLICTING_REPEATED_AI'],
    [`(01)${GTIN}(02)${GTIN}(37)1`, 'MISSING_REQUIRED_AI', 'EXCLUSIVE_AIS'],
    [`(01)${GTIN}(10)ABCDEFGHIJKLMNOPQRSTU`, 'VALUE_TOO_LONG', 'VALUE_TOO_LONG'],
    [`(01)${GTIN}(10)AB CD`, 'UNKNOWN_SYMBOLOGY', 'INVALID_CSET82_CHARACTER'],
    [`(01)${GTIN}(89)X`, 'UNKNOWN_SYMBOLOGY', 'UNKNOWN_AI'],
    [']Z9ABC', 'UNKNOWN_SYMBOLOGY', 'UNSUPPORTED_SYMBOLOGY'],
    [']Q1hello', 'UNKNOWN_SYMBOLOGY', 'NOT_GS1_DATA'],
    ['', 'UNKNOWN_SYMBOLOGY', 'NO_DATA'],
  ])('%s → %s (%s)', (input, subcode, reason) => {
    const result = parseScan(input);
    expect(result).toMatchObject({ valid: false, code: 'BARCODE_INVALID', subcode, reason });
    expect(result.detail?.length).toBeGreaterThan(20);
  });

  it('can skip the AI combination rules', () => {
    expect(parseScan('(10)ABC', { validateAssociations: false })).toMatchObject({
      valid: true,
      lot: 'ABC',
    });
  });
});
