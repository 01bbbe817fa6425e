import { loadFixtures } from './test-fixtures';
import { EpcisValidationError, validateEpcisDocument } from './validate-epcis-document';

/** What each OpenEPCIS invalid vector is about: an error at `path` whose message matches. */
const EXPECTED: Record<string, { path: string; message: RegExp }[]> = {
  'Combination_of_events_with_missing_mandatory_fields.json': [
    { path: 'epcisBody.eventList[0].action', message: /action/ },
    { path: 'epcisBody.eventList[1].action', message: /action/ },
    { path: 'epcisBody.eventList[1].eventTimeZoneOffset', message: /required/ },
  ],
  'Combination_of_multiple_invalid_fields.json': [
    { path: 'epcisBody.eventList[0].bizStep', message: /"transforming".*business step/ },
    { path: 'epcisBody.eventList[1].disposition', message: /"in_transport".*disposition/ },
    { path: 'epcisBody.eventList[2].sourceList[0].type', message: /"place"/ },
    { path: 'epcisBody.eventList[3].ilmd', message: /"materialType".*namespaced/ },
    { path: 'epcisBody.eventList[4].eventTime', message: /ISO 8601/ },
    { path: 'epcisBody.eventList[4].action', message: /ADD, OBSERVE, DELETE/ },
  ],
  'Combination_of_non_standard_bizStep_and_disposition.json': [
    { path: 'epcisBody.eventList[0].bizStep', message: /"transforming"/ },
    { path: 'epcisBody.eventList[1].disposition', message: /"in_transport"/ },
  ],
  'EPCISDocument_without_context.json': [{ path: '@context', message: /required/ }],
  'ObjectEvent_with_ilmd_field_without_namespace.json': [
    { path: 'epcisBody.eventList[0].ilmd', message: /"materialType".*namespaced/ },
  ],
  'ObjectEvent_with_invalid_action.json': [
    { path: 'epcisBody.eventList[0].action', message: /ADD, OBSERVE, DELETE/ },
  ],
  'ObjectEvent_with_invalid_certificationInfo.json': [
    { path: 'epcisBody.eventList[0].certificationInfo', message: /URI/ },
  ],
  'ObjectEvent_with_invalid_eventTime_format.json': [
    { path: 'epcisBody.eventList[0].eventTime', message: /ISO 8601.*"22-07-2026"/ },
  ],
  'ObjectEvent_with_non_standard_bizStep.json': [
    { path: 'epcisBody.eventList[0].bizStep', message: /"transforming".*business step/ },
  ],
  'ObjectEvent_with_non_standard_bizStep_in_second_event.json': [
    { path: 'epcisBody.eventList[1].bizStep', message: /"transforming".*business step/ },
  ],
  'ObjectEvent_with_non_standard_disposition.json': [
    { path: 'epcisBody.eventList[0].disposition', message: /"in_transport".*disposition/ },
  ],
  'ObjectEvent_with_quantity_as_text.json': [
    { path: 'epcisBody.eventList[0].quantityList[0].quantity', message: /number/ },
  ],
  'ObjectEvent_with_unknown_field_in_quantityList.json': [
    { path: 'epcisBody.eventList[0].quantityList[0]', message: /unknown field.*"weight"/ },
  ],
  'ObjectEvent_without_action_and_eventTime.json': [
    { path: 'epcisBody.eventList[0].action', message: /action/ },
    { path: 'epcisBody.eventList[0].eventTime', message: /required/ },
  ],
  'ObjectEvent_without_identifier_list.json': [
    { path: 'epcisBody.eventList[0]', message: /epcList or quantityList/ },
  ],
};

function errorsOf(document: unknown): EpcisValidationError[] {
  const result = validateEpcisDocument(document);
  if (result.valid) throw new Error('expected the document to be refused');
  return result.errors;
}

describe('OpenEPCIS invalid capture documents', () => {
  const fixtures = loadFixtures('invalid');

  it('has all 15 vectors and an expectation for each', () => {
    expect(fixtures.map((fixture) => fixture.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture.document] as const))(
    'refuses %s for the reason it is named after',
    (name, document) => {
      const errors = errorsOf(document);
      for (const expected of EXPECTED[name]) {
        expect(errors).toContainEqual({
          path: expected.path,
          message: expect.stringMatching(expected.message),
        });
      }
    },
  );

  it('does not blame fields that are fine', () => {
    const errors = errorsOf(
      fixtures.find((f) => f.name === 'ObjectEvent_with_non_standard_bizStep_in_second_event.json')!
        .document,
    );
    expect(errors).toHaveLength(1);
  });
});
