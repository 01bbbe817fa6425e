import {
  classMatches,
  epcMatches,
  Gs1KeyCache,
  parseClassMatcher,
  parseEpcMatcher,
  readGs1Key,
} from './epcis-identifiers';

const GTIN = '09506000134352';
const SSCC = '095060000000000077';

describe('EPCIS identifiers', () => {
  const keys = new Gs1KeyCache();

  it('reads the GS1 key of URNs and Digital Links alike', () => {
    const pack = { kind: 'sgtin', gtin: GTIN, serial: 'S/1' };
    expect(readGs1Key('urn:epc:id:sgtin:9506000.013435.S%2F1')).toEqual(pack);
    expect(readGs1Key('urn:epc:id:sgtin:950600.0013435.S%2F1')).toEqual(pack);
    expect(readGs1Key(`https://id.gs1.org/01/${GTIN}/21/S%2F1`)).toEqual(pack);
    expect(readGs1Key(`https://example.com/x/01/${GTIN}/10/L1/21/S%2F1?17=280630`)).toEqual(pack);
    expect(readGs1Key(`https://id.gs1.org/01/${GTIN.slice(1)}/21/S%2F1`)).toEqual(pack);
    expect(readGs1Key('urn:epc:class:lgtin:9506000.013435.L1')).toEqual({
      kind: 'lgtin',
      gtin: GTIN,
      lot: 'L1',
    });
    expect(readGs1Key(`https://id.gs1.org/01/${GTIN}/10/L1`)).toEqual({
      kind: 'lgtin',
      gtin: GTIN,
      lot: 'L1',
    });
    expect(readGs1Key('urn:epc:idpat:sgtin:9506000.013435.*')).toEqual({
      kind: 'gtin',
      gtin: GTIN,
    });
    expect(readGs1Key(`https://id.gs1.org/01/${GTIN}`)).toEqual({ kind: 'gtin', gtin: GTIN });
    expect(readGs1Key('urn:epc:id:sgln:9506000.00001.0')).toEqual({
      kind: 'sgln',
      gln: '9506000000015',
    });
    expect(readGs1Key('https://id.gs1.org/414/9506000000015/254/7')).toEqual({
      kind: 'sgln',
      gln: '9506000000015',
      extension: '7',
    });
    expect(readGs1Key('urn:uuid:1')).toBeNull();
    expect(readGs1Key(`https://id.gs1.org/01/09506000134353/21/S1`)).toBeNull();
  });

  it('matches an SGTIN in any spelling, and nothing else', () => {
    const m = parseEpcMatcher(`https://id.gs1.org/01/${GTIN}/21/S1`);
    expect(epcMatches(m, 'urn:epc:id:sgtin:9506000.013435.S1', keys)).toBe(true);
    expect(epcMatches(m, `https://resolver.example/01/${GTIN}/10/LOTX/21/S1`, keys)).toBe(true);
    expect(epcMatches(m, 'urn:epc:id:sgtin:9506000.013435.S2', keys)).toBe(false);
    expect(epcMatches(m, 'urn:epc:id:sscc:9506000.0000000007', keys)).toBe(false);
  });

  it('matches SSCCs in URN and Digital Link form', () => {
    const urn = parseEpcMatcher('urn:epc:id:sscc:9506000.0000000007');
    expect(urn).toMatchObject({ kind: 'key', key: { kind: 'sscc', sscc: SSCC } });
    expect(epcMatches(urn, `https://id.gs1.org/00/${SSCC}`, keys)).toBe(true);
    expect(epcMatches(urn, 'urn:epc:id:sscc:950600.00000000007', keys)).toBe(true);
    expect(epcMatches(urn, 'urn:epc:id:sscc:9506000.0000000008', keys)).toBe(false);
  });

  it('matches pure identity patterns (TDS) against both spellings', () => {
    const product = parseEpcMatcher('urn:epc:idpat:sgtin:9506000.013435.*');
    expect(epcMatches(product, 'urn:epc:id:sgtin:9506000.013435.ANY', keys)).toBe(true);
    expect(epcMatches(product, `https://id.gs1.org/01/${GTIN}/21/ANY`, keys)).toBe(true);
    expect(epcMatches(product, 'urn:epc:id:sgtin:9506000.013436.ANY', keys)).toBe(false);
    const company = parseEpcMatcher('urn:epc:idpat:sgtin:9506000.*.*');
    expect(epcMatches(company, 'urn:epc:id:sgtin:9506000.113435.X', keys)).toBe(true);
    expect(epcMatches(company, 'urn:epc:id:sgtin:9506001.013435.X', keys)).toBe(false);
    expect(epcMatches(company, 'urn:epc:id:sscc:9506000.0000000007', keys)).toBe(false);
    const anySgtin = parseEpcMatcher('urn:epc:idpat:sgtin:*.*.*');
    expect(epcMatches(anySgtin, 'urn:epc:id:sgtin:9506001.013435.X', keys)).toBe(true);
    const pallets = parseEpcMatcher('urn:epc:idpat:sscc:9506000.*');
    expect(epcMatches(pallets, 'urn:epc:id:sscc:9506000.0000000007', keys)).toBe(true);
    expect(epcMatches(pallets, `https://id.gs1.org/00/${SSCC}`, keys)).toBe(true);
    expect(epcMatches(pallets, 'urn:epc:id:sscc:9506001.0000000007', keys)).toBe(false);
    const grai = parseEpcMatcher('urn:epc:idpat:grai:9506000.12345.*');
    expect(epcMatches(grai, 'urn:epc:id:grai:9506000.12345.77', keys)).toBe(true);
    expect(epcMatches(grai, 'urn:epc:id:grai:9506000.12346.77', keys)).toBe(false);
  });

  it('compares other URIs as strings', () => {
    const m = parseEpcMatcher('urn:example:box:1');
    expect(epcMatches(m, 'urn:example:box:1', keys)).toBe(true);
    expect(epcMatches(m, 'urn:example:box:10', keys)).toBe(false);
  });

  it('matches EPC classes: a lot, a product (every lot), a company', () => {
    const lot = parseClassMatcher('urn:epc:class:lgtin:9506000.013435.L1');
    expect(classMatches(lot, `https://id.gs1.org/01/${GTIN}/10/L1`, keys)).toBe(true);
    expect(classMatches(lot, 'urn:epc:class:lgtin:9506000.013435.L2', keys)).toBe(false);
    expect(classMatches(lot, 'urn:epc:idpat:sgtin:9506000.013435.*', keys)).toBe(false);
    const product = parseClassMatcher('urn:epc:idpat:sgtin:9506000.013435.*');
    expect(classMatches(product, 'urn:epc:class:lgtin:9506000.013435.L2', keys)).toBe(true);
    expect(classMatches(product, `https://id.gs1.org/01/${GTIN}`, keys)).toBe(true);
    expect(classMatches(product, 'urn:epc:class:lgtin:9506000.013436.L2', keys)).toBe(false);
    const company = parseClassMatcher('urn:epc:idpat:sgtin:9506000.*.*');
    expect(classMatches(company, 'urn:epc:class:lgtin:9506000.013436.L2', keys)).toBe(true);
    expect(classMatches(company, 'urn:epc:class:lgtin:9506001.013436.L2', keys)).toBe(false);
  });
});
