import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadFixtures } from './test-fixtures';
import { validateEpcisDocument } from './validate-epcis-document';

/**
 * Our fixtures must pass the official GS1 EPCIS 2.0 JSON schema, and whatever that schema
 * refuses we must refuse too. The schema is a GS1 artefact without an open-source licence, so
 * it is read from ../shared beside the checkout and never copied into the repository.
 */
const SCHEMA_DIR = path.resolve(__dirname, '../../../../shared/reference/epcis-schema');
const SCHEMA_FILE = path.join(SCHEMA_DIR, 'EPCIS-JSON-Schema.json');
const schemaAvailable = fs.existsSync(SCHEMA_FILE);

if (!schemaAvailable) {
  console.warn(
    `EPCIS schema conformance tests skipped: ${SCHEMA_DIR} (EPCIS-JSON-Schema.json) is missing`,
  );
}

function compileOfficialSchema(): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  // The root schema is self-contained (only "#/definitions/..." references); refuse to run
  // against a release that starts pointing elsewhere rather than half-checking it.
  const externalRefs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^#"][^"]*)"/g)];
  if (externalRefs.length > 0) {
    throw new Error(`schema references other files: ${externalRefs.map((m) => m[1]).join(', ')}`);
  }
  return ajv.compile(schema);
}

(schemaAvailable ? describe : describe.skip)('official EPCIS 2.0 JSON schema', () => {
  let validateOfficial: ValidateFunction;

  beforeAll(() => {
    validateOfficial = compileOfficialSchema();
  });

  it.each(loadFixtures('valid').map((fixture) => [fixture.name, fixture.document] as const))(
    'accepts our valid fixture %s',
    (_name, document) => {
      const valid = validateOfficial(document);
      expect(validateOfficial.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('refuses no invalid vector that we accept', () => {
    const invalid = loadFixtures('invalid');
    const refusedBySchema = invalid.filter((fixture) => !validateOfficial(fixture.document));
    // Today the schema refuses all 15; should a release stop refusing one, we still must.
    expect(refusedBySchema.map((fixture) => fixture.name)).toEqual(
      invalid.map((fixture) => fixture.name),
    );
    for (const fixture of invalid) {
      expect({ name: fixture.name, valid: validateEpcisDocument(fixture.document).valid }).toEqual({
        name: fixture.name,
        valid: false,
      });
    }
  });
});
