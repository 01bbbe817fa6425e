import { GS } from './gs1-element-string-parser';

/**
 * Typed-out spellings of the GS separator that scanners (keyboard wedges, phone apps) and
 * people produce; each is replaced by ASCII 29. None of them can be GS1 data except "<GS>"
 * ("<", ">" are CSET 82), accepted because scanner tools print GS that way.
 */
export const GS_SPELLINGS: readonly string[] = [
  '<GS>',
  '{GS}',
  '\\x1d',
  '\\x1D',
  '\\u001d',
  '\\u001D',
  '\u241d', // SYMBOL FOR GROUP SEPARATOR, what some tools display and copy
];

/**
 * Scanner output as parsed: trailing CR/LF (the "Enter" a wedge scanner adds) dropped and
 * typed-out GS spellings turned into GS. Nothing else is touched: spaces are data errors.
 */
export function normaliseScannerText(input: string): string {
  let text = input.replace(/[\r\n]+$/, '');
  for (const spelling of GS_SPELLINGS) text = text.split(spelling).join(GS);
  return text;
}

/** What follows a symbology identifier (ISO/IEC 15424). */
export type SymbologyContent = 'GS1' | 'PLAIN' | 'EAN13' | 'EAN8';

export interface Symbology {
  readonly identifier: string;
  readonly name: string;
  readonly content: SymbologyContent;
}

const SYMBOLOGIES: readonly Symbology[] = [
  { identifier: ']d2', name: 'GS1 DataMatrix', content: 'GS1' },
  { identifier: ']d1', name: 'DataMatrix', content: 'PLAIN' },
  { identifier: ']Q3', name: 'GS1 QR Code', content: 'GS1' },
  { identifier: ']Q1', name: 'QR Code', content: 'PLAIN' },
  { identifier: ']C1', name: 'GS1-128', content: 'GS1' },
  { identifier: ']C0', name: 'Code 128', content: 'PLAIN' },
  { identifier: ']e0', name: 'GS1 DataBar', content: 'GS1' },
  { identifier: ']E0', name: 'EAN-13 / UPC-A', content: 'EAN13' },
  { identifier: ']E4', name: 'EAN-8', content: 'EAN8' },
  { identifier: ']J1', name: 'GS1 DotCode', content: 'GS1' },
  { identifier: ']J0', name: 'DotCode', content: 'PLAIN' },
];

export const SUPPORTED_SYMBOLOGIES: ReadonlyMap<string, Symbology> = new Map(
  SYMBOLOGIES.map((s) => [s.identifier, s]),
);

export type SymbologySplit =
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unsupported'; readonly identifier: string }
  | { readonly kind: 'known'; readonly symbology: Symbology; readonly data: string };

/** Splits a leading "]" + symbology letter + modifier from the data. */
export function splitSymbologyIdentifier(text: string): SymbologySplit {
  if (!text.startsWith(']')) return { kind: 'none' };
  if (!/^\][A-Za-z][0-9A-Za-z]/.test(text)) return { kind: 'malformed' };
  const identifier = text.slice(0, 3);
  const symbology = SUPPORTED_SYMBOLOGIES.get(identifier);
  return symbology
    ? { kind: 'known', symbology, data: text.slice(3) }
    : { kind: 'unsupported', identifier };
}
