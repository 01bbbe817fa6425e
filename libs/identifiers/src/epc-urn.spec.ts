import {
  glnToSglnUrn,
  gtinToSgtinUrn,
  lgtinClassUrn,
  lgtinClassUrnToGtin,
  sglnUrnToGln,
  sgtinUrnToGtin,
  ssccToUrn,
  urnToSscc,
} from './epc-urn';

describe('EPC URNs (GS1 Tag Data Standard examples)', () => {
  it('SGTIN', () => {
    expect(gtinToSgtinUrn('10614141123459', '400', 7)).toBe('urn:epc:id:sgtin:0614141.112345.400');
    expect(gtinToSgtinUrn('10614141123459', '32a/b', 7)).toBe(
      'urn:epc:id:sgtin:0614141.112345.32a%2Fb',
    );
    expect(sgtinUrnToGtin('urn:epc:id:sgtin:0614141.112345.32a%2Fb')).toEqual({
      gtin: '10614141123459',
      serial: '32a/b',
      gcpLength: 7,
    });
  });

  it('LGTIN class', () => {
    expect(lgtinClassUrn('04012345123456', '998877', 7)).toBe(
      'urn:epc:class:lgtin:4012345.012345.998877',
    );
    expect(lgtinClassUrnToGtin('urn:epc:class:lgtin:4012345.012345.998877')).toEqual({
      gtin: '04012345123456',
      lot: '998877',
      gcpLength: 7,
    });
  });

  it('SSCC', () => {
    expect(ssccToUrn('106141411234567897', 7)).toBe('urn:epc:id:sscc:0614141.1123456789');
    expect(urnToSscc('urn:epc:id:sscc:0614141.1123456789')).toBe('106141411234567897');
  });

  it('SGLN, with and without extension', () => {
    expect(glnToSglnUrn('0614141123452', '5678', 7)).toBe('urn:epc:id:sgln:0614141.12345.5678');
    expect(glnToSglnUrn('0614141123452', undefined, 7)).toBe('urn:epc:id:sgln:0614141.12345.0');
    expect(sglnUrnToGln('urn:epc:id:sgln:0614141.12345.5678')).toEqual({
      gln: '0614141123452',
      extension: '5678',
      gcpLength: 7,
    });
    expect(sglnUrnToGln('urn:epc:id:sgln:0614141.12345.0')).toEqual({
      gln: '0614141123452',
      gcpLength: 7,
    });
  });
});

describe('EPC URN round trips', () => {
  const serials = ['1', 'SN7Q4K9XW2', '!"%&\'()*+,-./:;<=>?_', 'ABCDEFGHIJKLMNOPQRST'];

  it.each([6, 7, 8, 9, 10, 11, 12])(
    'every conversion with a %i-digit company prefix',
    (gcpLength) => {
      for (const serial of serials) {
        expect(sgtinUrnToGtin(gtinToSgtinUrn('09520123456788', serial, gcpLength))).toEqual({
          gtin: '09520123456788',
          serial,
          gcpLength,
        });
        expect(lgtinClassUrnToGtin(lgtinClassUrn('19520123456785', serial, gcpLength))).toEqual({
          gtin: '19520123456785',
          lot: serial,
          gcpLength,
        });
        expect(sglnUrnToGln(glnToSglnUrn('9520123456788', serial, gcpLength))).toEqual({
          gln: '9520123456788',
          extension: serial,
          gcpLength,
        });
      }
      expect(urnToSscc(ssccToUrn('395201234567890123', gcpLength))).toBe('395201234567890123');
    },
  );

  it('accepts GTIN-8/12/13 and writes them as GTIN-14', () => {
    expect(sgtinUrnToGtin(gtinToSgtinUrn('9520123456788', 'A1', 7))?.gtin).toBe('09520123456788');
  });

  it('throws on keys and values GS1 refuses, returns null on foreign URNs', () => {
    expect(() => gtinToSgtinUrn('09520123456787', '1', 7)).toThrow(RangeError);
    expect(() => gtinToSgtinUrn('09520123456788', '1', 5)).toThrow(/6-12/);
    expect(() => gtinToSgtinUrn('09520123456788', 'A B', 7)).toThrow(RangeError);
    expect(() => gtinToSgtinUrn('09520123456788', '', 7)).toThrow(RangeError);
    expect(() => ssccToUrn('395201234567890120', 7)).toThrow(RangeError);
    expect(() => glnToSglnUrn('9520123456780', undefined, 7)).toThrow(RangeError);
    expect(sgtinUrnToGtin('urn:epc:id:sgtin:0614141.112345')).toBeNull();
    expect(sgtinUrnToGtin('urn:epc:id:sgtin:0614141.1123456.1')).toBeNull();
    expect(sgtinUrnToGtin('urn:epc:id:sgtin:0614141.112345.a%2')).toBeNull();
    expect(urnToSscc('urn:epc:id:sgtin:0614141.112345.1')).toBeNull();
  });
});
