import * as fs from 'node:fs';
import * as path from 'node:path';

/** Loads the JSON documents under libs/epcis/test-fixtures (for specs only). */

export const FIXTURES_DIR = path.resolve(__dirname, '../test-fixtures');

export interface JsonFixture {
  name: string;
  document: Record<string, unknown>;
}

export function loadFixtures(kind: 'valid' | 'invalid'): JsonFixture[] {
  const dir = path.join(FIXTURES_DIR, kind);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      name,
      document: JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<
        string,
        unknown
      >,
    }));
}

export function loadFixture(kind: 'valid' | 'invalid', name: string): Record<string, unknown> {
  const found = loadFixtures(kind).find((fixture) => fixture.name === name);
  if (!found) throw new Error(`no ${kind} fixture ${name}`);
  return found.document;
}
