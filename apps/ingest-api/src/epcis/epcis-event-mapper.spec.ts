import { cbvShortName, mapEpcisEvent, readEpc } from './epcis-event-mapper';

const GTIN = '09506000134352';
const importer = { sub: 'u', org: 'IMP-1', roles: ['importer'] };
const pharmacist = { sub: 'p', org: 'HOS-1', roles: ['pharmacist'] };
const locations = new Map([['urn:epc:id:sgln:9506000.00001.0', 'SITE-1']]);
const map = (event: Record<string, unknown>, actor = importer) =>
  mapEpcisEvent({
    event,
    eventId: 'urn:uuid:e1',
    actor,
    locationOf: (id) => locations.get(id),
    captureId: 'c1',
  });
const base = {
  type: 'ObjectEvent',
  eventTime: '2026-06-01T10:00:00+08:00',
  eventTimeZoneOffset: '+08:00',
  epcList: ['urn:epc:id:sgtin:9506000.013435.S1'],
};

describe('EPCIS event → ledger event', () => {
  it('reads CBV terms in short, URN and web form', () => {
    const prefixes = ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'];
    expect(cbvShortName('shipping', prefixes)).toBe('shipping');
    expect(cbvShortName('urn:epcglobal:cbv:bizstep:shipping', prefixes)).toBe('shipping');
    expect(cbvShortName('https://ref.gs1.org/cbv/BizStep-shipping', prefixes)).toBe('shipping');
    expect(cbvShortName('https://trace-ledger.example/voc/administering', prefixes)).toBe(
      'tl:administering',
    );
  });

  it('reads SGTINs, SSCCs and Digital Links, and refuses other EPCs', () => {
    expect(readEpc('urn:epc:id:sgtin:9506000.013435.S1')).toEqual({
      unit: { gtin: GTIN, serial: 'S1' },
    });
    expect(readEpc(`https://id.gs1.org/01/${GTIN}/10/L1/21/S2?17=280630`)).toEqual({
      unit: { gtin: GTIN, serial: 'S2', lot: 'L1', expiry: '2028-06-30' },
    });
    expect(readEpc('urn:epc:id:sscc:9506000.0000000001')).toEqual({ sscc: '095060000000000015' });
    expect(readEpc('urn:epc:id:grai:123')).toHaveProperty('error');
    expect(readEpc(`https://id.gs1.org/01/${GTIN}`)).toHaveProperty('error');
  });

  it('maps commissioning with ILMD lot and expiry to ANNOUNCE at the known location', () => {
    const out = map({
      ...base,
      action: 'ADD',
      bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
      disposition: 'active',
      bizLocation: { id: 'urn:epc:id:sgln:9506000.00001.0' },
      ilmd: { 'cbvmda:lotNumber': 'L9', 'cbvmda:itemExpirationDate': '2028-12-31' },
      bizTransactionList: [{ type: 'tl:customs_declaration', bizTransaction: 'urn:x:decl:D-1' }],
    });
    expect(out).toMatchObject({
      ok: true,
      event: {
        eventId: 'urn:uuid:e1',
        action: 'ANNOUNCE',
        units: [{ gtin: GTIN, serial: 'S1', lot: 'L9', expiry: '2028-12-31' }],
        refs: { declarationNo: 'D-1', captureId: 'c1' },
        context: { locationCode: 'SITE-1' },
        epcis: { eventID: 'urn:uuid:e1' },
      },
    });
  });

  it('chooses among actions sharing an encoding: tl:action, then the sender, then the first', () => {
    const shipping = { ...base, action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit' };
    expect(map(shipping)).toMatchObject({ event: { action: 'SHIP' } });
    expect(map(shipping, pharmacist)).toMatchObject({ event: { action: 'TRANSFER_SHIP' } });
    expect(map({ ...shipping, 'tl:action': 'RE_EXPORT' })).toMatchObject({
      event: { action: 'RE_EXPORT' },
    });
    expect(map({ ...shipping, 'tl:action': 'DISPENSE' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
  });

  it('maps packing to PACK with the parent SSCC, and refuses what is no unit event', () => {
    const pack = map({
      type: 'AggregationEvent',
      eventTime: base.eventTime,
      eventTimeZoneOffset: '+08:00',
      parentID: 'urn:epc:id:sscc:9506000.0000000001',
      childEPCs: base.epcList,
      action: 'ADD',
      bizStep: 'packing',
    });
    expect(pack).toMatchObject({
      ok: true,
      event: {
        action: 'PACK',
        containers: ['095060000000000015'],
        context: { parent: '095060000000000015' },
      },
    });
    expect(map({ ...base, action: 'OBSERVE', bizStep: 'brewing' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(map({ ...base, action: 'OBSERVE' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(
      map({
        ...base,
        action: 'ADD',
        bizStep: 'commissioning',
        bizLocation: { id: 'urn:epc:id:sgln:1.2.3' },
      }),
    ).toMatchObject({ ok: false, code: 'UNKNOWN_LOCATION' });
    expect(
      map({ ...base, epcList: ['urn:epc:id:sgtin:bad'], action: 'ADD', bizStep: 'commissioning' }),
    ).toMatchObject({ ok: false, code: 'BARCODE_INVALID' });
  });

  it('keeps what changes no pack as RECORD evidence: transactions, transformations, quantities', () => {
    const transaction = map({
      type: 'TransactionEvent',
      eventTime: base.eventTime,
      eventTimeZoneOffset: '+08:00',
      action: 'ADD',
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:x:po:42' }],
      epcList: base.epcList,
    });
    expect(transaction).toMatchObject({
      ok: true,
      event: { action: 'RECORD', units: [{ gtin: GTIN, serial: 'S1' }] },
    });
    const quantities = map({
      ...base,
      epcList: [],
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:9506000.013435.L1', quantity: 5 }],
      action: 'OBSERVE',
      bizStep: 'receiving',
    });
    expect(quantities).toMatchObject({ ok: true, event: { action: 'RECORD', units: [] } });
    const transformation = map({
      type: 'TransformationEvent',
      eventTime: base.eventTime,
      eventTimeZoneOffset: '+08:00',
      inputEPCList: base.epcList,
      outputQuantityList: [{ epcClass: 'x', quantity: 1 }],
    });
    expect(transformation).toMatchObject({ ok: true, event: { action: 'RECORD' } });
    // A pack event whose bizStep and disposition mean no known transition is refused, not
    // quietly kept: the sender expects the pack to change state.
    expect(
      map({ ...base, action: 'OBSERVE', bizStep: 'receiving', disposition: 'active' }),
    ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });
});
