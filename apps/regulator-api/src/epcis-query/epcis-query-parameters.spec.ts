import {
  expandFieldName,
  LOT_NUMBER_IRI,
  parseEpcisQuery,
  parseTimestamp,
  QueryParameterError,
  queryStringPairs,
} from './epcis-query-parameters';

const parse = (query: string) => parseEpcisQuery(queryStringPairs(`/epcis/events?${query}`));
const refused = (query: string) => () => parse(query);

describe('EPCIS query parameters', () => {
  it('reads an empty query with the defaults', () => {
    const q = parse('');
    expect(q).toMatchObject({ perPage: 30, orderDirection: 'DESC', epcs: [], classes: [] });
    expect(q.orderBy).toBeUndefined();
    expect(q.eventTypes).toBeUndefined();
  });

  it('reads eventType as a comma list of standard or namespaced types', () => {
    expect(parse('eventType=ObjectEvent,AggregationEvent').eventTypes).toEqual([
      'ObjectEvent',
      'AggregationEvent',
    ]);
    expect(parse('eventType=ex:SpecialEvent').eventTypes).toEqual(['ex:SpecialEvent']);
    expect(refused('eventType=ObjectEvents')).toThrow(/no EPCIS event type/);
    expect(refused('eventType=ObjectEvent,,AggregationEvent')).toThrow(/empty value/);
  });

  it('reads times with an offset; a "+" decoded to a space is read back as "+"', () => {
    const q = parse(
      'GE_eventTime=2026-06-01T10:00:00.000%2B08:00&LT_eventTime=2026-06-02T00:00:00Z',
    );
    expect(q.eventTime).toEqual({
      ge: '2026-06-01T10:00:00.000+08:00',
      lt: '2026-06-02T00:00:00Z',
    });
    expect(parse('GE_recordTime=2026-06-01T10:00:00+08:00').recordTime.ge).toBe(
      '2026-06-01T10:00:00+08:00',
    );
    expect(parseTimestamp('X', '2024-02-29T23:59:59.123456789-05:30')).toBe(
      '2024-02-29T23:59:59.123456789-05:30',
    );
    for (const bad of [
      '2026-06-01',
      '2026-06-01T10:00:00',
      '2026-02-30T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-06-01T24:00:00Z',
      '2026-06-01T10:00:00+15:00',
      'yesterday',
    ]) {
      expect(() => parseTimestamp('GE_eventTime', bad)).toThrow(QueryParameterError);
    }
    expect(refused('LT_recordTime=soon')).toThrow(/LT_recordTime must be a date-time/);
  });

  it('reads EQ_action and refuses other words', () => {
    expect(parse('EQ_action=ADD,DELETE').actions).toEqual(['ADD', 'DELETE']);
    expect(refused('EQ_action=add')).toThrow(/EQ_action must be ADD, OBSERVE or DELETE/);
  });

  it('reads CBV values in short, URN and web form as the same term, with every spelling', () => {
    const spellings = [
      'shipping',
      'urn:epcglobal:cbv:bizstep:shipping',
      'https://ref.gs1.org/cbv/BizStep-shipping',
      'cbv:BizStep-shipping',
    ];
    for (const given of spellings) {
      expect([...(parse(`EQ_bizStep=${encodeURIComponent(given)}`).bizSteps ?? [])]).toEqual(
        spellings,
      );
    }
    expect(parse('EQ_disposition=urn:epcglobal:cbv:disp:in_transit').dispositions).toEqual(
      new Set([
        'in_transit',
        'urn:epcglobal:cbv:disp:in_transit',
        'https://ref.gs1.org/cbv/Disp-in_transit',
        'cbv:Disp-in_transit',
      ]),
    );
    expect(parse('EQ_bizStep=tl:administering').bizSteps).toEqual(
      new Set(['tl:administering', 'https://trace-ledger.example/voc/administering']),
    );
    expect(parse('EQ_bizStep=https://example.com/steps/x').bizSteps).toEqual(
      new Set(['https://example.com/steps/x']),
    );
    expect(refused('EQ_bizStep=shiping')).toThrow(/no CBV 2.0 business step/);
    expect(refused('EQ_bizStep=urn:epcglobal:cbv:bizstep:flying')).toThrow(/no CBV/);
    expect(refused('EQ_disposition=https://ref.gs1.org/cbv/Disp-happy')).toThrow(/disposition/);
  });

  it('reads locations as identifiers, not patterns', () => {
    const q = parse('EQ_readPoint=urn:epc:id:sgln:9506000.00001.0&EQ_bizLocation=urn:x:site');
    expect(q.readPoints).toEqual([
      {
        kind: 'key',
        uri: 'urn:epc:id:sgln:9506000.00001.0',
        key: { kind: 'sgln', gln: '9506000000015' },
      },
    ]);
    expect(q.bizLocations).toEqual([{ kind: 'uri', uri: 'urn:x:site' }]);
    expect(refused('EQ_bizLocation=urn:epc:idpat:sgln:9506000.*.*')).toThrow(/not patterns/);
    expect(refused('EQ_readPoint=warehouse')).toThrow(/not a URI/);
  });

  it('reads MATCH_ values: identifiers in any spelling, patterns, other URIs', () => {
    const q = parse(
      [
        'MATCH_epc=urn:epc:id:sgtin:9506000.013435.S1,https://id.gs1.org/01/09506000134352/21/S2',
        'MATCH_anyEPC=urn:epc:idpat:sgtin:9506000.013435.*',
        'MATCH_parentID=urn:epc:idpat:sscc:9506000.*',
        'MATCH_inputEPC=urn:epc:idpat:grai:9506000.*.*',
        'MATCH_outputEPC=urn:example:thing:1',
        'MATCH_epcClass=urn:epc:class:lgtin:9506000.013435.LOT1',
        'MATCH_anyEPCClass=urn:epc:idpat:sgtin:9506000.*.*',
        'MATCH_inputEPCClass=https://id.gs1.org/01/09506000134352',
        'MATCH_outputEPCClass=https://id.gs1.org/01/09506000134352/10/L2',
      ].join('&'),
    );
    expect(q.epcs).toEqual([
      {
        parameter: 'MATCH_epc',
        matchers: [
          {
            kind: 'key',
            uri: 'urn:epc:id:sgtin:9506000.013435.S1',
            key: { kind: 'sgtin', gtin: '09506000134352', serial: 'S1' },
          },
          {
            kind: 'key',
            uri: 'https://id.gs1.org/01/09506000134352/21/S2',
            key: { kind: 'sgtin', gtin: '09506000134352', serial: 'S2' },
          },
        ],
      },
      {
        parameter: 'MATCH_anyEPC',
        matchers: [
          {
            kind: 'sgtinPattern',
            uri: 'urn:epc:idpat:sgtin:9506000.013435.*',
            gtin: '09506000134352',
          },
        ],
      },
      {
        parameter: 'MATCH_parentID',
        matchers: [
          { kind: 'ssccPattern', uri: 'urn:epc:idpat:sscc:9506000.*', companyPrefix: '9506000' },
        ],
      },
      {
        parameter: 'MATCH_inputEPC',
        matchers: [
          {
            kind: 'tdsPattern',
            uri: 'urn:epc:idpat:grai:9506000.*.*',
            scheme: 'grai',
            components: ['9506000', '*', '*'],
          },
        ],
      },
      { parameter: 'MATCH_outputEPC', matchers: [{ kind: 'uri', uri: 'urn:example:thing:1' }] },
    ]);
    expect(q.classes).toEqual([
      {
        parameter: 'MATCH_epcClass',
        matchers: [
          {
            kind: 'lot',
            uri: 'urn:epc:class:lgtin:9506000.013435.LOT1',
            gtin: '09506000134352',
            lot: 'LOT1',
          },
        ],
      },
      {
        parameter: 'MATCH_anyEPCClass',
        matchers: [
          { kind: 'product', uri: 'urn:epc:idpat:sgtin:9506000.*.*', companyPrefix: '9506000' },
        ],
      },
      {
        parameter: 'MATCH_inputEPCClass',
        matchers: [
          {
            kind: 'product',
            uri: 'https://id.gs1.org/01/09506000134352',
            gtin: '09506000134352',
          },
        ],
      },
      {
        parameter: 'MATCH_outputEPCClass',
        matchers: [
          {
            kind: 'lot',
            uri: 'https://id.gs1.org/01/09506000134352/10/L2',
            gtin: '09506000134352',
            lot: 'L2',
          },
        ],
      },
    ]);
  });

  it('refuses malformed EPC values and patterns', () => {
    expect(refused('MATCH_epc=S1')).toThrow(/MATCH_epc: S1 is not a URI/);
    expect(refused('MATCH_epc=urn:epc:id:sgtin:123.45.S1')).toThrow(/not a valid EPC URI/);
    expect(refused('MATCH_epc=urn:epc:idpat:sgtin:9506000.*.S1')).toThrow(/not an EPC pattern/);
    expect(refused('MATCH_epc=urn:epc:idpat:sgtin:95.*.*')).toThrow(/not a valid sgtin pattern/);
    expect(refused('MATCH_epc=urn:epc:idpat:sscc:9506000.1.*')).toThrow(/sscc pattern/);
    expect(refused('MATCH_epcClass=urn:epc:idpat:sscc:9506000.*')).toThrow(/class pattern/);
    expect(refused('MATCH_epcClass=urn:epc:class:lgtin:1.2.L')).toThrow(/not a valid LGTIN/);
  });

  it('reads a pattern without "*" as the EPC it names', () => {
    expect(parse('MATCH_epc=urn:epc:idpat:sgtin:9506000.013435.S9').epcs[0].matchers).toEqual([
      {
        kind: 'key',
        uri: 'urn:epc:id:sgtin:9506000.013435.S9',
        key: { kind: 'sgtin', gtin: '09506000134352', serial: 'S9' },
      },
    ]);
  });

  it('reads EQ_ILMD_ fields by CURIE, full IRI or EPCIS 1.x name', () => {
    for (const name of [
      'cbvmda:lotNumber',
      'urn:epcglobal:cbv:mda:lotNumber',
      'urn:epcglobal:cbv:mda#lotNumber',
    ]) {
      const [filter] = parse(`EQ_ILMD_${encodeURIComponent(name)}=LOT1,LOT2`).ilmd;
      expect(filter).toMatchObject({ iri: LOT_NUMBER_IRI, values: ['LOT1', 'LOT2'] });
      expect(filter.spellings).toEqual(
        expect.arrayContaining(['cbvmda:lotNumber', LOT_NUMBER_IRI]),
      );
    }
    expect(parse('EQ_ILMD_ex:batch=7').ilmd[0]).toMatchObject({ iri: 'ex:batch', values: ['7'] });
    expect(expandFieldName('tl:note')).toBe('https://trace-ledger.example/voc/note');
    expect(refused('EQ_ILMD_lotNumber=LOT1')).toThrow(/CURIE or URI/);
    expect(refused('EQ_ILMD_=LOT1')).toThrow(/CURIE or URI/);
  });

  it('reads ordering, counts and paging', () => {
    const q = parse('orderBy=eventTime&orderDirection=ASC&eventCountLimit=5&perPage=2');
    expect(q).toMatchObject({
      orderBy: 'eventTime',
      orderDirection: 'ASC',
      eventCountLimit: 5,
      perPage: 2,
    });
    expect(parse('orderBy=recordTime').orderDirection).toBe('DESC');
    expect(parse('maxEventCount=10').maxEventCount).toBe(10);
    expect(parse('perPage=1000').perPage).toBe(1000);
    expect(refused('orderBy=bizStep')).toThrow(/orderBy must be eventTime or recordTime/);
    expect(refused('orderDirection=UP')).toThrow(/ASC or DESC/);
    expect(refused('eventCountLimit=5')).toThrow(/needs orderBy/);
    expect(refused('orderBy=eventTime&eventCountLimit=5&maxEventCount=5')).toThrow(/exclude/);
    expect(refused('perPage=0')).toThrow(/perPage must be a whole number from 1 to 1000/);
    expect(refused('perPage=1001')).toThrow(/perPage/);
    expect(refused('perPage=ten')).toThrow(/perPage/);
    expect(refused('maxEventCount=-1')).toThrow(/maxEventCount/);
    expect(refused('perPage=5&perPage=6')).toThrow(/more than once/);
  });

  it('joins repeated list parameters', () => {
    expect(parse('EQ_eventID=a:1&EQ_eventID=a:2,a:3').eventIds).toEqual(['a:1', 'a:2', 'a:3']);
  });

  it('refuses unknown and unsupported parameters by name', () => {
    expect(refused('MATCH_epcs=x:y')).toThrow(
      /Unknown or unsupported query parameter "MATCH_epcs"/,
    );
    expect(refused('WD_bizLocation=urn:x:y')).toThrow(/WD_bizLocation/);
    expect(refused('EQ_bizTransaction_po=urn:x:y')).toThrow(/EQ_bizTransaction_po/);
  });

  it('fingerprints the query without its paging parameters', () => {
    const a = parse('EQ_bizStep=shipping&MATCH_epc=urn:x:1&perPage=5');
    const b = parse('MATCH_epc=urn:x:1&EQ_bizStep=shipping&nextPageToken=t');
    const c = parse('EQ_bizStep=receiving&MATCH_epc=urn:x:1');
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(a.queryParameters).toEqual([
      ['EQ_bizStep', 'shipping'],
      ['MATCH_epc', 'urn:x:1'],
    ]);
  });
});
