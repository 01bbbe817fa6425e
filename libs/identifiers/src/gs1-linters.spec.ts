import { loadLinterCases } from '../test/gs1-fixtures';
import {
  GS1_LINTERS,
  gs1CheckCharacterPair,
  lintCset64,
  lintCsumAlpha,
  lintIban,
  lintImporterIndex,
  lintLatitude,
  lintMediaType,
  lintPieceOfTotal,
  lintPositionInSequence,
  lintYyyymmdd,
  type Gs1LinterFailure,
} from './gs1-linters';

/** The reference tests' notation: the offending span wrapped in `*`. */
function highlight(input: string, failure: Gs1LinterFailure): string {
  const end = failure.position + failure.length;
  return `${input.slice(0, failure.position)}*${input.slice(failure.position, end)}*${input.slice(end)}`;
}

describe('linter-cases.json (gs1-syntax-dictionary reference linter tests)', () => {
  const cases = loadLinterCases();

  it('has the 507 cases the vectors README announces', () => {
    expect(cases).toHaveLength(507);
  });

  it.each(cases.map((c) => [`${c.linter} ${JSON.stringify(c.input)}`, c] as const))(
    '%s',
    (_, c) => {
      const finding = GS1_LINTERS[c.linter](c.input);
      if (c.expected_pass) {
        expect(finding).toBeNull();
      } else {
        expect(finding).not.toBeNull();
        const f = finding as Gs1LinterFailure;
        expect(`GS1_LINTER_${f.error}`).toBe(c.expected_error);
        expect(highlight(c.input, f)).toBe(c.expected_highlight);
      }
    },
  );
});

describe('linters outside linter-cases.json (examples from the reference linters)', () => {
  it('csumalpha: GS1 alphanumeric check character pair', () => {
    for (const ok of [
      '22',
      '!22',
      '1987654Ad4X4bL5ttr2310c2K',
      '12345_0123456789:;<=>?62',
      '00000!HV',
    ]) {
      expect(lintCsumAlpha(ok)).toBeNull();
    }
    expect(lintCsumAlpha('1987654Ad4X4bL5ttr2310cXK')).toEqual({
      error: 'INCORRECT_CHECK_PAIR',
      position: 23,
      length: 2,
    });
    expect(lintCsumAlpha('2')?.error).toBe('TOO_SHORT_FOR_CHECK_PAIR');
    expect(lintCsumAlpha('12345678901234567890123 T')?.error).toBe('INVALID_CSET32_CHARACTER');
    expect(gs1CheckCharacterPair('1987654Ad4X4bL5ttr2310c')).toBe('2K');
  });

  it('cset64: base64url with optional padding to a multiple of three', () => {
    for (const ok of ['', '1', '12', '12=', '1==', '0123456789-_'])
      expect(lintCset64(ok)).toBeNull();
    expect(lintCset64('123=')).toEqual({ error: 'INVALID_CSET64_PADDING', position: 3, length: 1 });
    expect(lintCset64('AB C')?.error).toBe('INVALID_CSET64_CHARACTER');
  });

  it('iban: ISO 13616 mod 97', () => {
    for (const ok of [
      'FR7630006000011234567890189',
      'DE91100000000123456789',
      'GB98MIDL07009312345678',
    ]) {
      expect(lintIban(ok)).toBeNull();
    }
    expect(lintIban('BE71096123456760')?.error).toBe('INCORRECT_IBAN_CHECKSUM');
    expect(lintIban('XX361234567890')?.error).toBe('ILLEGAL_IBAN_COUNTRY_CODE');
    expect(lintIban('LC14BOSLxx3456789012345678901230')).toEqual({
      error: 'INVALID_IBAN_CHARACTER',
      position: 8,
      length: 1,
    });
  });

  it('posinseqslash, pieceoftotal, importeridx, mediatype, latitude, yyyymmdd', () => {
    expect(lintPositionInSequence('9/10')).toBeNull();
    expect(lintPositionInSequence('1/02')).toEqual({
      error: 'ILLEGAL_ZERO_PREFIX',
      position: 2,
      length: 2,
    });
    expect(lintPositionInSequence('10/9')?.error).toBe('POSITION_EXCEEDS_END');
    expect(lintPieceOfTotal('0102')).toBeNull();
    expect(lintPieceOfTotal('0302')?.error).toBe('PIECE_NUMBER_EXCEEDS_TOTAL');
    expect(lintImporterIndex('_')).toBeNull();
    expect(lintImporterIndex('AA')?.error).toBe('IMPORTER_IDX_MUST_BE_ONE_CHARACTER');
    expect(lintMediaType('10')).toBeNull();
    expect(lintMediaType('11')?.error).toBe('INVALID_MEDIA_TYPE');
    expect(lintLatitude('1800000000')).toBeNull();
    expect(lintYyyymmdd('20000229')).toBeNull();
    expect(lintYyyymmdd('21000229')?.error).toBe('ILLEGAL_DAY');
  });
});
