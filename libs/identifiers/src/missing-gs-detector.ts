import { GS1_AI_DICTIONARY, type AiDictionary } from './ai-dictionary';
import { Gs1ElementStringParser, type AiValue, type ParsedAi } from './gs1-element-string-parser';

/** AIs that follow a lot or serial on packs, and so get swallowed when the GS is lost. */
const SWALLOWABLE_AIS = ['21', '10', '17', '11', '15', '16', '7003'];
/** A swallowed lot or serial shorter than this is more likely part of the value itself. */
const MIN_SWALLOWED_TEXT_LENGTH = 4;

export interface SwallowedAis {
  /** The variable-length AI whose value seems to hold the next AIs. */
  readonly host: AiValue;
  /** Where, in the host's value, the swallowed data starts. */
  readonly offset: number;
  readonly swallowed: readonly AiValue[];
}

/**
 * Finds a variable-length value (lot, serial, ...) that ends with what reads as further AIs,
 * e.g. lot "A1B2C21XK3M9Q" = lot "A1B2C" then serial (21) "XK3M9Q", or a lot ending in 17 and
 * a valid YYMMDD. That is the mark of a scanner that dropped the GS separator: the data
 * still parses, the serial vanishes into the lot. A heuristic, so it warns, never refuses.
 */
export class MissingGsDetector {
  private readonly parser: Gs1ElementStringParser;

  constructor(dictionary: AiDictionary = GS1_AI_DICTIONARY) {
    this.parser = new Gs1ElementStringParser({}, dictionary);
  }

  /** Checks the values of AIs parsed from unbracketed (GS-separated) data. */
  inspect(parsed: readonly ParsedAi[]): SwallowedAis | null {
    const present = new Set(parsed.map((p) => p.ai));
    for (const element of parsed) {
      // A value that ended at a GS was delimited by the scanner, so nothing ran into it.
      if (element.definition.fixedLength || element.end !== 'end-of-data') continue;
      const found = this.inspectValue(element, present);
      if (found) return found;
    }
    return null;
  }

  /** Checks one variable-length value; `present` are the AIs already in the scan. */
  inspectValue(host: AiValue, present: ReadonlySet<string> = new Set()): SwallowedAis | null {
    const { value } = host;
    for (let offset = 1; offset < value.length - 2; offset++) {
      const tail = value.slice(offset);
      const next = SWALLOWABLE_AIS.find((ai) => tail.startsWith(ai));
      if (!next || present.has(next)) continue;
      const parsed = this.parser.parseUnbracketed(tail);
      if (!parsed.ok) continue;
      const first = parsed.result[0];
      if (!first.definition.fixedLength && first.value.length < MIN_SWALLOWED_TEXT_LENGTH) continue;
      return {
        host: { ai: host.ai, value: host.value },
        offset,
        swallowed: parsed.result.map(({ ai, value: v }) => ({ ai, value: v })),
      };
    }
    return null;
  }
}
