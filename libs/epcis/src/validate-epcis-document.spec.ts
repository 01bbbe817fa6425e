import { CBV_BIZ_STEPS, CBV_DISPOSITIONS } from './cbv-vocabulary';
import { loadFixture } from './test-fixtures';
import { EpcisValidationError, validateEpcisDocument } from './validate-epcis-document';

type Json = Record<string, unknown>;

function documentWith(event: Json, context: unknown = undefined): Json {
  const document = loadFixture('valid', 'object-event-commissioning-ilmd.json');
  if (context !== undefined) document['@context'] = context;
  (document.epcisBody as { eventList: Json[] }).eventList = [event];
  return document;
}

function baseObjectEvent(overrides: Json = {}): Json {
  return {
    type: 'ObjectEvent',
    eventTime: '2026-03-01T09:30:00+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    epcList: ['urn:epc:id:sgtin:6901234.012345.10001'],
    ...overrides,
  };
}

function errorsOf(document: unknown): EpcisValidationError[] {
  const result = validateEpcisDocument(document);
  return result.valid ? [] : result.errors;
}

function pathsOf(document: unknown): string[] {
  return errorsOf(document).map((error) => error.path);
}

const EVENT = 'epcisBody.eventList[0]';

describe('validateEpcisDocument', () => {
  it('exports the CBV 2.0 short names', () => {
    expect(CBV_BIZ_STEPS).toContain('shipping');
    expect(CBV_BIZ_STEPS).toHaveLength(41);
    expect(CBV_DISPOSITIONS).toContain('in_transit');
    expect(CBV_DISPOSITIONS).toHaveLength(33);
  });

  it.each([null, undefined, 42, 'EPCISDocument', true, [], [{}]])(
    'refuses a body that is not an object: %p',
    (body) => {
      expect(errorsOf(body)).toEqual([
        { path: '', message: 'an EPCIS document must be a JSON object' },
      ]);
    },
  );

  it('requires the document envelope fields', () => {
    expect(pathsOf({})).toEqual(
      expect.arrayContaining(['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody']),
    );
    const noEventList = documentWith(baseObjectEvent());
    noEventList.epcisBody = {};
    expect(pathsOf(noEventList)).toEqual(['epcisBody.eventList']);
  });

  it('accepts an empty eventList (the capture service refuses it with its own message)', () => {
    const document = documentWith(baseObjectEvent());
    (document.epcisBody as { eventList: Json[] }).eventList = [];
    expect(validateEpcisDocument(document)).toMatchObject({ valid: true, events: [] });
  });

  describe('@context', () => {
    it.each([
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://x.y/' }],
      ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
    ])('accepts %j', (context) => {
      expect(errorsOf(documentWith(baseObjectEvent(), context))).toEqual([]);
    });

    it.each([
      'https://example.com/context.jsonld',
      { ex: 'https://x.y/' },
      [],
      ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', 42],
      ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 7 }],
    ])('refuses %j', (context) => {
      expect(pathsOf(documentWith(baseObjectEvent(), context))).toContain('@context');
    });
  });

  it('refuses an unknown event type and a non-object event', () => {
    const document = documentWith(baseObjectEvent({ type: 'ShipmentEvent' }));
    (document.epcisBody as { eventList: unknown[] }).eventList.push('ObjectEvent', null);
    expect(errorsOf(document)).toEqual([
      { path: `${EVENT}.type`, message: expect.stringContaining('"ShipmentEvent"') },
      { path: 'epcisBody.eventList[1]', message: 'event must be a JSON object' },
      { path: 'epcisBody.eventList[2]', message: 'event must be a JSON object' },
    ]);
  });

  describe('eventTime and eventTimeZoneOffset', () => {
    it.each([
      '2026-03-01T09:30:00',
      '2026-03-01',
      '2026-02-30T09:30:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01 09:30:00Z',
      1772335800000,
    ])('refuses eventTime %p', (eventTime) => {
      expect(pathsOf(documentWith(baseObjectEvent({ eventTime })))).toEqual([`${EVENT}.eventTime`]);
    });

    it.each(['2026-03-01T09:30:00Z', '2026-03-01T09:30:00.123456-05:30', '2028-02-29T00:00:00Z'])(
      'accepts eventTime %p',
      (eventTime) => {
        expect(errorsOf(documentWith(baseObjectEvent({ eventTime })))).toEqual([]);
      },
    );

    it.each(['+8:00', '08:00', '+15:00', 'Z', '+08:00:00'])(
      'refuses eventTimeZoneOffset %p',
      (eventTimeZoneOffset) => {
        expect(pathsOf(documentWith(baseObjectEvent({ eventTimeZoneOffset })))).toEqual([
          `${EVENT}.eventTimeZoneOffset`,
        ]);
      },
    );
  });

  describe('bizStep and disposition', () => {
    const withPrefix = [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { example: 'https://ns.example.com/epcis/' },
    ];

    it.each([
      ['shipping', 'in_transit'],
      ['urn:epcglobal:cbv:bizstep:shipping', 'urn:epcglobal:cbv:disp:in_transit'],
      ['https://ref.gs1.org/cbv/BizStep-shipping', 'https://ref.gs1.org/cbv/Disp-in_transit'],
      ['cbv:BizStep-shipping', 'cbv:Disp-in_transit'],
      ['https://ns.example.com/steps/x', 'urn:example:disp:held'],
      ['example:import_check', 'example:held'],
    ])('accepts %p / %p', (bizStep, disposition) => {
      const document = documentWith(baseObjectEvent({ bizStep, disposition }), withPrefix);
      expect(errorsOf(document)).toEqual([]);
    });

    it.each([
      ['foo', /not a CBV 2.0 business step/],
      ['urn:epcglobal:cbv:bizstep:transforming', /"transforming" is not in the list/],
      ['https://ref.gs1.org/cbv/BizStep-foo', /"foo" is not in the list/],
      ['urn:epcglobal:cbv:disp:in_transit', /CBV namespace/],
      ['other:thing', /prefix "other" .* not declared/],
      [42, /must be a string/],
      [null, /must be a string/],
    ])('refuses bizStep %p', (bizStep, message) => {
      expect(errorsOf(documentWith(baseObjectEvent({ bizStep }), withPrefix))).toEqual([
        { path: `${EVENT}.bizStep`, message: expect.stringMatching(message) },
      ]);
    });
  });

  describe('extension fields and ILMD', () => {
    it('refuses a non-namespaced event field but accepts a namespaced one', () => {
      expect(errorsOf(documentWith(baseObjectEvent({ 'cbvmda:x': 1 })))).toEqual([]);
      expect(errorsOf(documentWith(baseObjectEvent({ lotNumber: 'L1' })))).toEqual([
        { path: EVENT, message: expect.stringContaining('"lotNumber"') },
      ]);
      expect(errorsOf(documentWith(baseObjectEvent({ 'acme:lot': 'L1' })))).toEqual([
        { path: EVENT, message: expect.stringContaining('prefix "acme"') },
      ]);
    });

    it('refuses ILMD keys without a declared namespace, and ILMD unless action is ADD', () => {
      const ilmd = { 'cbvmda:lotNumber': 'L1' };
      expect(errorsOf(documentWith(baseObjectEvent({ action: 'ADD', ilmd })))).toEqual([]);
      expect(pathsOf(documentWith(baseObjectEvent({ action: 'OBSERVE', ilmd })))).toEqual([
        `${EVENT}.ilmd`,
      ]);
      expect(
        pathsOf(documentWith(baseObjectEvent({ action: 'ADD', ilmd: { 'acme:lot': 'L1' } }))),
      ).toEqual([`${EVENT}.ilmd`]);
    });

    it('lets an event declare its own prefixes', () => {
      const event = baseObjectEvent({
        '@context': { acme: 'https://acme.example/' },
        'acme:lot': 'L1',
      });
      expect(errorsOf(documentWith(event))).toEqual([]);
    });
  });

  describe('lists and nested structures', () => {
    it('refuses EPCs that are not URIs and duplicate EPCs', () => {
      expect(pathsOf(documentWith(baseObjectEvent({ epcList: ['6901234012345'] })))).toEqual([
        `${EVENT}.epcList`,
      ]);
      const epc = 'urn:epc:id:sgtin:6901234.012345.10001';
      expect(pathsOf(documentWith(baseObjectEvent({ epcList: [epc, epc] })))).toEqual([
        `${EVENT}.epcList`,
      ]);
    });

    it('checks bizTransactionList, sourceList and persistentDisposition items', () => {
      const event = baseObjectEvent({
        bizTransactionList: [{ type: 'po', bizTransaction: 'PO-1' }],
        destinationList: [{ type: 'location' }],
        persistentDisposition: { set: [] },
        readPoint: null,
      });
      expect(pathsOf(documentWith(event)).sort()).toEqual([
        `${EVENT}.bizTransactionList[0].bizTransaction`,
        `${EVENT}.destinationList[0].destination`,
        `${EVENT}.persistentDisposition.set`,
        `${EVENT}.readPoint`,
      ]);
    });

    it('checks sensor reports and error declarations', () => {
      const event = baseObjectEvent({
        sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: '4.2' }] }],
        errorDeclaration: { reason: 'incorrect_data', correctiveEventIDs: ['x'] },
      });
      expect(pathsOf(documentWith(event)).sort()).toEqual([
        `${EVENT}.errorDeclaration.correctiveEventIDs`,
        `${EVENT}.errorDeclaration.declarationTime`,
        `${EVENT}.sensorElementList[0].sensorReport[0].value`,
      ]);
    });
  });

  describe('event-type rules', () => {
    const common = {
      eventTime: '2026-03-01T09:30:00Z',
      eventTimeZoneOffset: '+00:00',
    };
    const sscc = 'urn:epc:id:sscc:6901234.0000000017';
    const sgtin = 'urn:epc:id:sgtin:6901234.012345.10001';

    it.each([
      [{ type: 'AggregationEvent', action: 'ADD', childEPCs: [sgtin] }, /parentID is required/],
      [{ type: 'AggregationEvent', action: 'ADD', parentID: sscc }, /childEPCs/],
      [{ type: 'AssociationEvent', action: 'ADD', childEPCs: [sgtin] }, /parentID is required/],
      [{ type: 'TransactionEvent', action: 'ADD', epcList: [sgtin] }, /bizTransactionList/],
      [{ type: 'TransformationEvent', inputEPCList: [sgtin] }, /outputs/],
      [{ type: 'TransformationEvent', action: 'ADD', inputEPCList: [sgtin] }, /"action"/],
    ])('refuses %j', (event, message) => {
      const messages = errorsOf(documentWith({ ...common, ...event })).map((e) => e.message);
      expect(messages).toContainEqual(expect.stringMatching(message));
    });

    it.each([
      { type: 'AggregationEvent', action: 'OBSERVE', childEPCs: [sgtin] },
      { type: 'AggregationEvent', action: 'DELETE', parentID: sscc },
      { type: 'AssociationEvent', action: 'DELETE', parentID: sscc },
      {
        type: 'TransformationEvent',
        inputEPCList: [sgtin],
        transformationID: 'urn:epc:id:gdti:6901234.00003.B1',
      },
    ])('accepts %j', (event) => {
      expect(errorsOf(documentWith({ ...common, ...event }))).toEqual([]);
    });
  });
});
