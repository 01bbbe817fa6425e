import { parseEpcisQuery, queryStringPairs } from './epcis-query-parameters';
import { planQuery } from './epcis-query-plan';

const plan = (q: string) => planQuery(parseEpcisQuery(queryStringPairs(`/epcis/events?${q}`)));
const GTIN = '09506000134352';
const S1 = 'urn:epc:id:sgtin:9506000.013435.S1';

describe('EPCIS query plan', () => {
  it('walks the ledger in its own order when nothing narrows the query', () => {
    expect(plan('')).toEqual({
      source: { kind: 'scan' },
      order: 'ledger',
      direction: 'ASC',
      needles: [],
    });
  });

  it('walks the index of the time the query bounds, unless told how to order', () => {
    expect(plan('GE_eventTime=2026-06-01T00:00:00Z')).toMatchObject({ order: 'eventTime' });
    expect(plan('LT_recordTime=2026-06-01T00:00:00Z')).toMatchObject({ order: 'recordTime' });
    expect(plan('GE_eventTime=2026-06-01T00:00:00Z&orderBy=recordTime')).toMatchObject({
      order: 'recordTime',
      direction: 'DESC',
    });
    expect(plan('orderBy=eventTime&orderDirection=ASC')).toMatchObject({
      order: 'eventTime',
      direction: 'ASC',
    });
  });

  it('finds events by id through the event id index', () => {
    expect(plan(`EQ_eventID=urn:uuid:1&MATCH_epc=${S1}`).source).toEqual({
      kind: 'eventIds',
      eventIds: ['urn:uuid:1'],
    });
  });

  it('finds packs through unit_events when a MATCH_ parameter names only SGTINs', () => {
    expect(plan(`MATCH_anyEPC=${S1},https://id.gs1.org/01/${GTIN}/21/S2`).source).toEqual({
      kind: 'packs',
      packs: [
        { gtin: GTIN, serial: 'S1' },
        { gtin: GTIN, serial: 'S2' },
      ],
    });
    // The parameter with fewest values drives; the others are checked on its candidates.
    expect(
      plan(`MATCH_epc=${S1},urn:epc:id:sgtin:9506000.013435.S2&MATCH_inputEPC=${S1}`).source,
    ).toEqual({ kind: 'packs', packs: [{ gtin: GTIN, serial: 'S1' }] });
  });

  it('scans when a MATCH_ parameter holds a pattern, a case or another URI', () => {
    expect(plan('MATCH_epc=urn:epc:idpat:sgtin:9506000.013435.*').source).toEqual({ kind: 'scan' });
    expect(plan(`MATCH_anyEPC=${S1},urn:epc:id:sscc:9506000.0000000007`).source).toEqual({
      kind: 'scan',
    });
    expect(plan(`MATCH_parentID=${S1}`).source).toEqual({ kind: 'scan' });
  });

  it('finds a lot through the units lot index', () => {
    expect(plan('EQ_ILMD_cbvmda:lotNumber=LOT1,LOT2').source).toEqual({
      kind: 'lots',
      lots: ['LOT1', 'LOT2'],
    });
    expect(plan('EQ_ILMD_cbvmda:itemExpirationDate=2028-06-30').source).toEqual({ kind: 'scan' });
  });

  it('walks only entries with quantity lists for the class parameters', () => {
    expect(plan('MATCH_epcClass=urn:epc:class:lgtin:9506000.013435.L1').source).toEqual({
      kind: 'quantities',
    });
    expect(
      plan(`MATCH_anyEPCClass=urn:epc:idpat:sgtin:9506000.*.*&MATCH_epc=${S1}`).source,
    ).toEqual({ kind: 'packs', packs: [{ gtin: GTIN, serial: 'S1' }] });
  });

  it('carries the needles of every JSON condition', () => {
    expect(plan('EQ_action=ADD&EQ_bizStep=packing').needles).toEqual([
      ['"action":"ADD"'],
      [
        '"bizStep":"packing"',
        '"bizStep":"urn:epcglobal:cbv:bizstep:packing"',
        '"bizStep":"https://ref.gs1.org/cbv/BizStep-packing"',
        '"bizStep":"cbv:BizStep-packing"',
      ],
    ]);
  });
});
