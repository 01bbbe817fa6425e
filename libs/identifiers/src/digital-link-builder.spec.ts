import { buildDigitalLink, toDigitalLink } from './digital-link-builder';
import { parseScan } from './scan-parser';

const GTIN = '09520123456788';
const now = new Date('2025-06-15T00:00:00Z');

describe('toDigitalLink', () => {
  it('writes the GS1 Digital Link of a pack (the example of the DL standard)', () => {
    expect(toDigitalLink({ gtin: GTIN, lot: 'ABC1', serial: '12345', expiry: '2018-04-26' })).toBe(
      `https://id.gs1.org/01/${GTIN}/10/ABC1/21/12345?17=180426`,
    );
  });

  it('uses any host, with or without a custom path, and writes GTIN-14', () => {
    expect(toDigitalLink({ gtin: '9520123456788' }, 'https://brand.example.com/dl/')).toBe(
      `https://brand.example.com/dl/01/${GTIN}`,
    );
  });

  it('%-escapes lot and serial characters outside the URI unreserved set', () => {
    expect(toDigitalLink({ gtin: GTIN, lot: 'A/B+C', serial: "x&y'z" })).toBe(
      `https://id.gs1.org/01/${GTIN}/10/A%2FB%2BC/21/x%26y%27z`,
    );
  });

  it.each([
    [{ gtin: GTIN }],
    [{ gtin: GTIN, serial: 'SN7Q4K9XW2' }],
    [{ gtin: GTIN, lot: 'L-24/07', expiry: '2027-03-31' }],
    [{ gtin: GTIN, lot: '!"%&\'()*+,-./:;<=>?_', serial: 'Zz09', expiry: '2024-02-29' }],
  ])('round-trips through parseScan: %j', (pack) => {
    const result = parseScan(toDigitalLink(pack, 'https://dl.example.org'), { now });
    expect(result).toMatchObject({ valid: true, scheme: 'GS1_DL', ...pack });
  });

  it('keeps a day 00 expiry when given as YYMMDD', () => {
    const uri = toDigitalLink({ gtin: GTIN, expiry: '270200' });
    expect(uri).toBe(`https://id.gs1.org/01/${GTIN}?17=270200`);
    expect(parseScan(uri, { now }).expiry).toBe('2027-02-28');
  });

  it('refuses what GS1 would refuse', () => {
    expect(() => toDigitalLink({ gtin: '09520123456787' })).toThrow(RangeError);
    expect(() => toDigitalLink({ gtin: GTIN, lot: 'ABCDEFGHIJKLMNOPQRSTU' })).toThrow(/too long/);
    expect(() => toDigitalLink({ gtin: GTIN, serial: 'A B' })).toThrow(RangeError);
    expect(() => toDigitalLink({ gtin: GTIN, expiry: '2025-02-30' })).toThrow(/day/);
  });
});

describe('buildDigitalLink', () => {
  it('puts the first primary key and its qualifiers in the path, the rest in the query', () => {
    const ais = [
      { ai: '00', value: '106141411234567897' },
      { ai: '02', value: GTIN },
      { ai: '37', value: '25' },
      { ai: '10', value: 'ABC' },
    ];
    const uri = buildDigitalLink(ais);
    expect(uri).toBe('https://id.gs1.org/00/106141411234567897?02=09520123456788&37=25&10=ABC');
    expect(parseScan(uri).ais).toEqual(ais);
  });

  it('refuses data without a primary key', () => {
    expect(() => buildDigitalLink([{ ai: '10', value: 'ABC' }])).toThrow(RangeError);
  });
});
