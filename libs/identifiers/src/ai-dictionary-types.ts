/**
 * Shapes of the GS1 Barcode Syntax Dictionary entries, as generated into
 * `ai-dictionary.data.ts` by `scripts/generate-ai-dictionary.js`.
 */

/** N: digits; X: GS1 CSET 82; Y: GS1 CSET 39; Z: GS1 CSET 64 (base64url). */
export type AiCharset = 'N' | 'X' | 'Y' | 'Z';

/** One component of an AI's value, e.g. `N13,csum,gcppos1` or the optional `[X..17]`. */
export interface AiComponentSpec {
  readonly charset: AiCharset;
  readonly min: number;
  readonly max: number;
  /** Optional components may be left out once the data is exhausted. */
  readonly optional: boolean;
  /** Names of the dictionary's linters that check this component, in order. */
  readonly linters: readonly string[];
}

/** One dictionary line: a solitary AI (`first === last`) or a range such as 3100-3105. */
export interface AiDictionaryEntry {
  readonly first: string;
  readonly last: string;
  /** Flag `*`: pre-defined length, no FNC1 separator needed after the value. */
  readonly fixedLength: boolean;
  /** Flag `?`: permitted as a GS1 Digital Link data attribute (query parameter). */
  readonly dlDataAttribute: boolean;
  readonly components: readonly AiComponentSpec[];
  /**
   * `req=` attributes; each must be satisfied. An attribute lists alternatives (comma in the
   * source) and an alternative lists AI patterns that must all be present (`+` in the source).
   * Patterns may end in `n` wildcards, e.g. `31nn`.
   */
  readonly requires: readonly (readonly (readonly string[])[])[];
  /** `ex=` patterns: AIs that must not appear with this one (never the AI itself). */
  readonly excludes: readonly string[];
  /**
   * `dlpkey`: null when the AI is not a Digital Link primary key; otherwise the alternative
   * ordered qualifier sequences (empty list: the key takes no qualifiers).
   */
  readonly dlQualifierSequences: readonly (readonly string[])[] | null;
  readonly title: string;
}

export interface AiDictionarySource {
  readonly file: string;
  readonly release: string;
  readonly sha256: string;
}
