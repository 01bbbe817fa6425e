import { inJsonBindingForm } from './epcis-json-binding';

describe('events in the JSON binding form', () => {
  it('writes standard CBV values given in long form as bare words', () => {
    expect(
      inJsonBindingForm({
        type: 'ObjectEvent',
        bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
        disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
        persistentDisposition: { set: ['urn:epcglobal:cbv:disp:recalled'], unset: ['active'] },
        bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:x:po:1' }],
        sourceList: [{ type: 'cbv:SDT-owning_party', source: 'urn:x:party:1' }],
        destinationList: [{ type: 'urn:epcglobal:cbv:sdt:location', destination: 'urn:x:site' }],
        errorDeclaration: {
          declarationTime: '2026-06-01T00:00:00Z',
          reason: 'urn:epcglobal:cbv:er:incorrect_data',
        },
      }),
    ).toEqual({
      type: 'ObjectEvent',
      bizStep: 'shipping',
      disposition: 'in_transit',
      persistentDisposition: { set: ['recalled'], unset: ['active'] },
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:x:po:1' }],
      sourceList: [{ type: 'owning_party', source: 'urn:x:party:1' }],
      destinationList: [{ type: 'location', destination: 'urn:x:site' }],
      errorDeclaration: { declarationTime: '2026-06-01T00:00:00Z', reason: 'incorrect_data' },
    });
  });

  it('leaves bare words, custom URIs and CURIEs, and other members alone', () => {
    const event = {
      type: 'ObjectEvent',
      bizStep: 'tl:administering',
      disposition: 'https://ns.example.com/disp/quarantined',
      bizTransactionList: [{ bizTransaction: 'urn:x:po:1' }],
      'example:x': { bizStep: 'urn:epcglobal:cbv:bizstep:shipping' },
    };
    expect(inJsonBindingForm(event)).toEqual(event);
  });
});
