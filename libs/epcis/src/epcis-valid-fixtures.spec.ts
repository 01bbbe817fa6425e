import { loadFixtures } from './test-fixtures';
import { validateEpcisDocument } from './validate-epcis-document';

const REQUIRED_FIXTURES = [
  'aggregation-event-packing.json',
  'association-event.json',
  'mixed-event-types.json',
  'namespaced-extensions.json',
  'object-event-commissioning-ilmd.json',
  'object-event-error-declaration.json',
  'object-event-quantity-list.json',
  'object-event-sensor-elements.json',
  'transaction-event-biz-transactions.json',
  'transformation-event.json',
];

describe('valid EPCIS 2.0 documents', () => {
  const fixtures = loadFixtures('valid');

  it('covers every event type and feature we rely on', () => {
    expect(fixtures.map((fixture) => fixture.name)).toEqual(
      expect.arrayContaining(REQUIRED_FIXTURES),
    );
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture.document] as const))(
    'accepts %s and hands back the original plain objects',
    (_name, document) => {
      const pristine = structuredClone(document);
      const result = validateEpcisDocument(document);
      if (!result.valid) throw new Error(JSON.stringify(result.errors, null, 2));

      expect(result.document).toBe(document);
      expect(document).toEqual(pristine);
      const eventList = (pristine.epcisBody as { eventList: unknown[] }).eventList;
      expect(result.events).toHaveLength(eventList.length);
      result.events.forEach((event, index) => {
        expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
        expect(event).toStrictEqual(eventList[index]);
        expect(event).toBe((document.epcisBody as { eventList: unknown[] }).eventList[index]);
      });
    },
  );
});
