import { canonicalBytes } from '@trace/ledger';
import { eventMatches, needleGroups } from './epcis-event-filter';
import { parseEpcisQuery, queryStringPairs } from './epcis-query-parameters';

const GTIN = '09506000134352';
const S1 = 'urn:epc:id:sgtin:9506000.013435.S1';
const S2_LINK = `https://resolver.example/01/${GTIN}/10/LOT1/21/S2`;
const S3_LINK = `https://id.gs1.org/01/${GTIN}/21/S3`;
const PALLET = 'urn:epc:id:sscc:9506000.0000000007';
const PALLET_LINK = 'https://id.gs1.org/00/095060000000000077';
const SITE = 'urn:epc:id:sgln:9506000.00001.0';
const SITE_LINK = 'https://id.gs1.org/414/9506000000015';

const EVENTS: Record<string, Record<string, unknown>> = {
  commission: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:e-commission',
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    epcList: [S1, S2_LINK],
    readPoint: { id: SITE },
    bizLocation: { id: SITE_LINK },
    ilmd: {
      'cbvmda:lotNumber': 'LOT1',
      'cbvmda:itemExpirationDate': '2028-06-30',
      'ex:count': 5,
    },
  },
  pack: {
    type: 'AggregationEvent',
    eventID: 'urn:uuid:e-pack',
    action: 'ADD',
    bizStep: 'urn:epcglobal:cbv:bizstep:packing',
    parentID: PALLET,
    childEPCs: [S1],
    childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:9506000.013435.LOT1', quantity: 2 }],
  },
  transform: {
    type: 'TransformationEvent',
    eventID: 'urn:uuid:e-transform',
    inputEPCList: [S1],
    outputEPCList: [S3_LINK],
    inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:9506000.013435.LOT1', quantity: 1 }],
    outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/LOT9`, quantity: 1 }],
    ilmd: { 'urn:epcglobal:cbv:mda:lotNumber': 'LOT9' },
  },
  ship: {
    type: 'TransactionEvent',
    eventID: 'urn:uuid:e-ship',
    action: 'OBSERVE',
    bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
    disposition: 'urn:epcglobal:cbv:disp:in_transit',
    parentID: PALLET_LINK,
    epcList: [S2_LINK],
  },
  slash: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:e-slash',
    action: 'OBSERVE',
    epcList: ['urn:epc:id:sgtin:9506000.013435.X%2F1'],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:9506000.013435.L%2F2', quantity: 1 }],
  },
  administer: {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:e-administer',
    action: 'OBSERVE',
    bizStep: 'https://trace-ledger.example/voc/administering',
    readPoint: { id: 'urn:x:ward-3' },
    quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:9506000.013435.*', quantity: 1 }],
  },
};

/** The query and the events it must return, among EVENTS. */
const CASES: [string, string[]][] = [
  ['', Object.keys(EVENTS)],
  ['eventType=ObjectEvent', ['commission', 'slash', 'administer']],
  [`MATCH_epc=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/X%2F1`)}`, ['slash']],
  [`MATCH_epcClass=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/10/L%2F2`)}`, ['slash']],
  ['eventType=AggregationEvent,TransactionEvent', ['pack', 'ship']],
  ['EQ_action=ADD', ['commission', 'pack']],
  ['EQ_action=DELETE', []],
  ['EQ_bizStep=packing', ['pack']],
  ['EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping', ['ship']],
  ['EQ_bizStep=https://ref.gs1.org/cbv/BizStep-commissioning', ['commission']],
  ['EQ_bizStep=tl:administering', ['administer']],
  ['EQ_bizStep=receiving', []],
  ['EQ_disposition=in_transit', ['ship']],
  ['EQ_disposition=https://ref.gs1.org/cbv/Disp-active', ['commission']],
  ['EQ_disposition=destroyed', []],
  [`EQ_readPoint=${SITE_LINK}`, ['commission']],
  ['EQ_readPoint=urn:x:ward-3', ['administer']],
  [`EQ_bizLocation=${SITE}`, ['commission']],
  ['EQ_bizLocation=urn:x:ward-3', []],
  ['EQ_eventID=urn:uuid:e-ship,urn:uuid:e-pack', ['pack', 'ship']],
  [`MATCH_epc=${S1}`, ['commission', 'pack']],
  [`MATCH_epc=https://id.gs1.org/01/${GTIN}/21/S2`, ['commission', 'ship']],
  ['MATCH_epc=urn:epc:idpat:sgtin:9506000.013435.*', ['commission', 'pack', 'ship', 'slash']],
  [`MATCH_epc=${PALLET}`, []],
  [`MATCH_parentID=${PALLET}`, ['pack', 'ship']],
  ['MATCH_parentID=urn:epc:idpat:sscc:9506000.*', ['pack', 'ship']],
  [`MATCH_parentID=${S1}`, []],
  [`MATCH_inputEPC=${S1}`, ['transform']],
  [`MATCH_inputEPC=${S3_LINK}`, []],
  ['MATCH_outputEPC=urn:epc:id:sgtin:950600.0013435.S3', ['transform']],
  [`MATCH_outputEPC=${S1}`, []],
  [`MATCH_anyEPC=${S1}`, ['commission', 'pack', 'transform']],
  [`MATCH_anyEPC=${PALLET_LINK}`, ['pack', 'ship']],
  ['MATCH_anyEPC=urn:epc:id:sgtin:9506000.013435.S404', []],
  ['MATCH_epcClass=urn:epc:class:lgtin:9506000.013435.LOT1', ['pack']],
  ['MATCH_epcClass=urn:epc:idpat:sgtin:9506000.013435.*', ['pack', 'slash', 'administer']],
  [`MATCH_epcClass=https://id.gs1.org/01/${GTIN}/10/LOT9`, []],
  ['MATCH_inputEPCClass=urn:epc:class:lgtin:9506000.013435.LOT1', ['transform']],
  ['MATCH_outputEPCClass=urn:epc:class:lgtin:9506000.013435.LOT9', ['transform']],
  ['MATCH_outputEPCClass=urn:epc:class:lgtin:9506000.013435.LOT1', []],
  [`MATCH_anyEPCClass=https://id.gs1.org/01/${GTIN}/10/LOT9`, ['transform']],
  [
    'MATCH_anyEPCClass=urn:epc:idpat:sgtin:9506000.*.*',
    ['pack', 'transform', 'slash', 'administer'],
  ],
  ['MATCH_anyEPCClass=urn:epc:idpat:sgtin:9506001.*.*', []],
  ['EQ_ILMD_cbvmda:lotNumber=LOT1', ['commission']],
  ['EQ_ILMD_urn:epcglobal:cbv:mda:lotNumber=LOT9,LOT1', ['commission', 'transform']],
  ['EQ_ILMD_urn:epcglobal:cbv:mda%23lotNumber=LOT9', ['transform']],
  ['EQ_ILMD_cbvmda:lotNumber=LOT2', []],
  ['EQ_ILMD_cbvmda:itemExpirationDate=2028-06-30', ['commission']],
  ['EQ_ILMD_ex:count=5', ['commission']],
  ['EQ_ILMD_ex:count=5.0', ['commission']],
  ['EQ_ILMD_ex:count=6', []],
  [`EQ_bizStep=packing&MATCH_epc=${S1}`, ['pack']],
  [`eventType=ObjectEvent&MATCH_anyEPC=${S1}&EQ_ILMD_cbvmda:lotNumber=LOT1`, ['commission']],
];

/** A ledger entry's bytes for an event, as the sequencer writes them (RFC 8785 envelope). */
function entryOf(epcis: Record<string, unknown>): string {
  return canonicalBytes({
    v: 1,
    index: 7,
    type: 'event',
    eventId: epcis.eventID,
    eventTime: '2026-06-01T10:00:00.000+08:00',
    recordTime: '2026-06-01T10:00:01.000Z',
    action: 'RECORD',
    actor: { sub: 'u', org: 'IMP-1', roles: ['importer'] },
    units: [],
    containers: [],
    refs: {},
    context: {},
    epcis,
  }).toString('utf8');
}

describe('EPCIS event filter', () => {
  const parse = (q: string) => parseEpcisQuery(queryStringPairs(`/epcis/events?${q}`));

  it.each(CASES)('%s', (q, expected) => {
    const query = parse(q);
    const matching = Object.entries(EVENTS)
      .filter(([, event]) => eventMatches(query, event))
      .map(([name]) => name);
    expect(matching.sort()).toEqual([...expected].sort());
  });

  it('leaves every matching entry a needle of each group (so SQL never drops a match)', () => {
    for (const [q] of CASES) {
      const query = parse(q);
      const groups = needleGroups(query);
      for (const [name, event] of Object.entries(EVENTS)) {
        if (!eventMatches(query, event)) continue;
        const entry = entryOf(event);
        for (const group of groups) {
          expect({ q, name, found: group.some((n) => entry.includes(n)) }).toEqual({
            q,
            name,
            found: true,
          });
        }
      }
    }
  });

  it('lets the needles drop entries that cannot match', () => {
    const groups = needleGroups(parse('EQ_bizStep=shipping&EQ_ILMD_cbvmda:lotNumber=LOT1'));
    const dropped = Object.values(EVENTS).filter((event) => {
      const entry = entryOf(event);
      return !groups.every((group) => group.some((n) => entry.includes(n)));
    });
    expect(dropped).toHaveLength(Object.keys(EVENTS).length);
  });
});
