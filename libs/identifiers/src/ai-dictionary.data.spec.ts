import { readFileSync } from 'node:fs';
import {
  DICTIONARY_PATH,
  parseSyntaxDictionary,
  renderAiDictionaryModule,
  sha256,
} from '../scripts/generate-ai-dictionary';
import { AI_DICTIONARY_ENTRIES, AI_DICTIONARY_SOURCE } from './ai-dictionary.data';
import {
  GS1_AI_DICTIONARY,
  PREDEFINED_VALUE_LENGTHS,
  lookupAi,
  lookupAiAtStartOf,
} from './ai-dictionary';
import { GS1_LINTERS, UNSUPPORTED_LINTERS } from './gs1-linters';

const text = readFileSync(DICTIONARY_PATH, 'utf8');

describe('generated ai-dictionary.data.ts', () => {
  it('is up to date with data/gs1-syntax-dictionary.txt (rerun scripts/generate-ai-dictionary.js)', () => {
    const fresh = parseSyntaxDictionary(text);
    expect(AI_DICTIONARY_SOURCE.sha256).toBe(sha256(text));
    expect(AI_DICTIONARY_SOURCE.release).toBe(fresh.release);
    expect(AI_DICTIONARY_ENTRIES).toEqual(fresh.entries);
    expect(renderAiDictionaryModule(text)).toContain(sha256(text));
  });

  it('holds every dictionary line', () => {
    const lines = text.split('\n').filter((l) => /^\d/.test(l));
    expect(AI_DICTIONARY_ENTRIES).toHaveLength(lines.length);
  });

  it('refuses malformed dictionary lines loudly', () => {
    expect(() => parseSyntaxDictionary('01 *? Q14')).toThrow(/bad component/);
    expect(() => parseSyntaxDictionary('01 *? N14 color=red')).toThrow(/unknown attribute/);
    expect(() => parseSyntaxDictionary('01 !? N14')).toThrow(/undefined flag/);
    expect(() => parseSyntaxDictionary('7007 ? [N6] N6')).toThrow(/mandatory component/);
  });

  it('has a linter implementation, or an explicit refusal, for every linter it names', () => {
    for (const name of GS1_AI_DICTIONARY.referencedLinters()) {
      expect({ name, known: name in GS1_LINTERS || UNSUPPORTED_LINTERS.has(name) }).toEqual({
        name,
        known: true,
      });
    }
  });
});

describe('AiDictionary', () => {
  it('looks up solitary AIs and AIs inside ranges', () => {
    expect(lookupAi('01')).toMatchObject({ ai: '01', title: 'GTIN', fixedLength: true });
    expect(lookupAi('17')?.components).toEqual([
      { charset: 'N', min: 6, max: 6, optional: false, linters: ['yymmd0'] },
    ]);
    expect(lookupAi('3103')).toMatchObject({ ai: '3103', fixedLength: true, excludes: ['310n'] });
    expect(lookupAi('10')).toMatchObject({ fixedLength: false, dlDataAttribute: true });
    expect(lookupAi('21')).toMatchObject({ dlDataAttribute: false, excludes: ['235'] });
    expect(lookupAi('3106')).toBeNull();
    expect(lookupAi('1')).toBeNull();
  });

  it('keeps req= alternatives and + combinations', () => {
    expect(lookupAi('250')?.requires).toEqual([
      [
        ['01', '21'],
        ['03', '21'],
        ['8006', '21'],
      ],
    ]);
  });

  it('tells AI length from the first two digits of unbracketed data', () => {
    expect(GS1_AI_DICTIONARY.aiLengthForPrefix('01')).toBe(2);
    expect(GS1_AI_DICTIONARY.aiLengthForPrefix('235')).toBe(3);
    expect(GS1_AI_DICTIONARY.aiLengthForPrefix('3103')).toBe(4);
    expect(GS1_AI_DICTIONARY.aiLengthForPrefix('7003')).toBe(4);
    expect(GS1_AI_DICTIONARY.aiLengthForPrefix('89')).toBeNull();
    expect(lookupAiAtStartOf('17250300')?.ai).toBe('17');
    expect(lookupAiAtStartOf('7003250300')?.ai).toBe('7003');
    expect(lookupAiAtStartOf('2345')).toBeNull();
  });

  it('admits unknown AIs only on request and only where their length can be told', () => {
    expect(lookupAi('89')).toBeNull();
    expect(lookupAi('89', { permitUnknownAis: true })).toMatchObject({
      known: false,
      fixedLength: false,
    });
    expect(lookupAi('3999', { permitUnknownAis: true })).toMatchObject({ known: false });
    expect(lookupAi('399', { permitUnknownAis: true })).toBeNull(); // 39nn AIs have 4 digits
    expect(lookupAi('011', { permitUnknownAis: true })).toBeNull(); // (01) is a prefix
    expect(lookupAi('800', { permitUnknownAis: true })).toBeNull(); // prefix of (8001)
    expect(lookupAi('3338', { permitUnknownAis: true })?.components[0]).toMatchObject({
      min: PREDEFINED_VALUE_LENGTHS['33'],
      max: 6,
    });
    expect(lookupAiAtStartOf('891234', { permitUnknownAis: true })).toBeNull();
  });

  it('knows the Digital Link key-qualifier sequences from dlpkey', () => {
    expect(GS1_AI_DICTIONARY.isDlPrimaryKey('01')).toBe(true);
    expect(GS1_AI_DICTIONARY.isDlPrimaryKey('10')).toBe(false);
    for (const path of [
      ['01'],
      ['01', '22', '10', '21'],
      ['01', '10'],
      ['01', '22', '21'],
      ['01', '235'],
    ]) {
      expect(GS1_AI_DICTIONARY.isValidDlPathSequence(path)).toBe(true);
    }
    for (const path of [
      ['01', '21', '10'],
      ['01', '10', '22'],
      ['01', '22', '235'],
      ['00', '10'],
    ]) {
      expect(GS1_AI_DICTIONARY.isValidDlPathSequence(path)).toBe(false);
    }
    expect(GS1_AI_DICTIONARY.orderDlQualifiers('01', ['21', '10'])).toEqual(['10', '21']);
    expect(GS1_AI_DICTIONARY.orderDlQualifiers('01', ['21', '235'])).toBeNull();
  });
});
