import {
  GS1_AI_DICTIONARY,
  type AiDefinition,
  type AiDictionary,
  type AiLookupOptions,
} from './ai-dictionary';
import { checkAiValue, consumeAiValue } from './ai-value-validator';
import { refuse, succeed, type ParseOutcome } from './scan-failure';

/** ASCII 29, Group Separator: how scanners transmit the FNC1 that ends a variable-length value. */
export const GS = '\u001d';

export interface AiValue {
  readonly ai: string;
  readonly value: string;
}

/** How a value ended: given between brackets or URI slashes, a GS, its fixed length, or the data. */
export type AiValueEnd = 'delimited' | 'separator' | 'fixed-length' | 'end-of-data';

export interface ParsedAi extends AiValue {
  readonly definition: AiDefinition;
  readonly end: AiValueEnd;
}

/**
 * Parses GS1 element strings: the bracketed human-readable form `(01)...(10)...` and the
 * unbracketed form of barcode data, where each AI's length comes from its first two digits,
 * fixed-length values run straight into the next AI and variable-length values end at GS.
 * Values are checked against the dictionary (lengths, character sets, linters); the AI
 * combination rules are AiAssociationValidator's job.
 */
export class Gs1ElementStringParser {
  constructor(
    private readonly options: AiLookupOptions = {},
    private readonly dictionary: AiDictionary = GS1_AI_DICTIONARY,
  ) {}

  /** `(01)09520123456788(10)ABC1`; a `(` inside a value is escaped as `\(`. */
  parseBracketed(text: string): ParseOutcome<ParsedAi[]> {
    if (text.length === 0) return refuse({ reason: 'NO_DATA' });
    const parsed: ParsedAi[] = [];
    let i = 0;
    while (i < text.length) {
      const close = text.indexOf(')', i + 1);
      if (text[i] !== '(' || close < 0) {
        return refuse({ reason: 'MALFORMED_ELEMENT_STRING', value: text.slice(i) });
      }
      const ai = text.slice(i + 1, close);
      const definition = this.dictionary.lookupAi(ai, this.options);
      if (!definition) return refuse({ reason: 'UNKNOWN_AI', value: `(${ai})` });
      // An AI with nothing after it is a truncated string rather than an empty value.
      if (close + 1 >= text.length)
        return refuse({ reason: 'MALFORMED_ELEMENT_STRING', value: text });

      let value = '';
      let j = close + 1;
      for (;;) {
        const open = text.indexOf('(', j);
        if (open > 0 && text[open - 1] === '\\') {
          value += text.slice(j, open - 1) + '(';
          j = open + 1;
          continue;
        }
        const stop = open < 0 ? text.length : open;
        value += text.slice(j, stop);
        j = stop;
        break;
      }
      const failure = checkAiValue(definition, value);
      if (failure) return refuse(failure);
      parsed.push({ ai: definition.ai, value, definition, end: 'delimited' });
      i = j;
    }
    return succeed(parsed);
  }

  /** Unbracketed data as a scanner sends it after the symbology identifier, GS-separated. */
  parseUnbracketed(data: string): ParseOutcome<ParsedAi[]> {
    if (data.length === 0) return refuse({ reason: 'NO_DATA' });
    const parsed: ParsedAi[] = [];
    let i = 0;
    while (i < data.length) {
      const definition = this.dictionary.lookupAiAtStartOf(data.slice(i), this.options);
      if (!definition) return refuse({ reason: 'UNKNOWN_AI', value: data.slice(i, i + 4) });
      i += definition.ai.length;
      const separator = data.indexOf(GS, i);
      const segment = data.slice(i, separator < 0 ? data.length : separator);
      const consumed = consumeAiValue(definition, segment);
      if (!consumed.ok) return consumed;
      const value = segment.slice(0, consumed.result);
      i += consumed.result;
      if (!definition.fixedLength && i < data.length && data[i] !== GS) {
        return refuse({ reason: 'VALUE_TOO_LONG', ai: definition.ai, value: segment });
      }
      const end: AiValueEnd =
        data[i] === GS ? 'separator' : i >= data.length ? 'end-of-data' : 'fixed-length';
      parsed.push({ ai: definition.ai, value, definition, end });
      // A GS is also tolerated after a fixed-length value.
      if (data[i] === GS) i++;
    }
    return succeed(parsed);
  }
}

/** Bracketed form of AI values, escaping `(` in values: `(01)09520123456788(10)AB\(1`. */
export function formatBracketed(ais: readonly AiValue[]): string {
  return ais.map(({ ai, value }) => `(${ai})${value.replace(/\(/g, '\\(')}`).join('');
}

export interface UnbracketedFormatOptions {
  /** Put fixed-length AIs first, saving separators (how GS1 tools order a symbol's data). */
  readonly fixedLengthFirst?: boolean;
  readonly dictionary?: AiDictionary;
}

/**
 * Unbracketed element string for a barcode's data, without a leading FNC1: a GS ends every
 * variable-length value except the last.
 */
export function formatUnbracketed(
  ais: readonly AiValue[],
  options: UnbracketedFormatOptions = {},
): string {
  const dictionary = options.dictionary ?? GS1_AI_DICTIONARY;
  const isFixed = (ai: string): boolean => dictionary.lookupAi(ai)?.fixedLength ?? false;
  const ordered = options.fixedLengthFirst
    ? [...ais.filter((a) => isFixed(a.ai)), ...ais.filter((a) => !isFixed(a.ai))]
    : ais;
  return ordered
    .map(({ ai, value }, i) => {
      const last = i === ordered.length - 1;
      return `${ai}${value}${last || isFixed(ai) ? '' : GS}`;
    })
    .join('');
}
