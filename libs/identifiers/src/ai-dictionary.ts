import { AI_DICTIONARY_ENTRIES } from './ai-dictionary.data';
import type { AiComponentSpec, AiDictionaryEntry } from './ai-dictionary-types';

/** One AI as the parsers use it: a dictionary entry resolved to that AI, or an admitted unknown AI. */
export interface AiDefinition {
  readonly ai: string;
  /** False for an AI outside the dictionary, admitted only with `permitUnknownAis`. */
  readonly known: boolean;
  readonly title: string;
  /** No FNC1 (GS) separator is needed after the value. */
  readonly fixedLength: boolean;
  readonly dlDataAttribute: boolean;
  readonly components: readonly AiComponentSpec[];
  readonly requires: AiDictionaryEntry['requires'];
  readonly excludes: AiDictionaryEntry['excludes'];
  readonly dlQualifierSequences: AiDictionaryEntry['dlQualifierSequences'];
}

export interface AiLookupOptions {
  /** Admit AIs the dictionary does not list, where their length can be told (GS1 engine rule). */
  readonly permitUnknownAis?: boolean;
}

/**
 * GS1 General Specifications: AI prefixes whose value has a length fixed by the standard,
 * whether or not every AI of the prefix is allocated yet. Consulted only for unknown AIs;
 * the dictionary's `*` flag says the same for known ones.
 */
export const PREDEFINED_VALUE_LENGTHS: Readonly<Record<string, number>> = {
  '00': 18,
  '01': 14,
  '02': 14,
  '03': 14,
  '04': 16,
  '11': 6,
  '12': 6,
  '13': 6,
  '14': 6,
  '15': 6,
  '16': 6,
  '17': 6,
  '18': 6,
  '19': 6,
  '20': 2,
  '31': 6,
  '32': 6,
  '33': 6,
  '34': 6,
  '35': 6,
  '36': 6,
  '41': 13,
};

const UNKNOWN_AI_MAX_LENGTH = 90;

function expandRange(entry: AiDictionaryEntry): string[] {
  const ais: string[] = [];
  for (let n = Number(entry.first); n <= Number(entry.last); n++) {
    ais.push(String(n).padStart(entry.first.length, '0'));
  }
  return ais;
}

/**
 * The GS1 AI table, built from the GS1 Barcode Syntax Dictionary: AI lookups, the AI length
 * implied by the first two digits (how unbracketed data is split), and the Digital Link
 * key-qualifier sequences.
 */
export class AiDictionary {
  private readonly byAi = new Map<string, AiDefinition>();
  private readonly aiLengthByPrefix = new Map<string, number>();
  /** Every proper prefix of a known AI: such strings can never be an AI themselves. */
  private readonly properPrefixes = new Set<string>();
  /** Valid Digital Link path AI sequences, space-joined: "01", "01 10", "01 22 21", ... */
  private readonly dlPathSequences = new Set<string>();

  constructor(readonly entries: readonly AiDictionaryEntry[] = AI_DICTIONARY_ENTRIES) {
    for (const entry of entries) {
      for (const ai of expandRange(entry)) {
        this.byAi.set(ai, {
          ai,
          known: true,
          title: entry.title,
          fixedLength: entry.fixedLength,
          dlDataAttribute: entry.dlDataAttribute,
          components: entry.components,
          requires: entry.requires,
          excludes: entry.excludes,
          dlQualifierSequences: entry.dlQualifierSequences,
        });
        const prefix = ai.slice(0, 2);
        const length = this.aiLengthByPrefix.get(prefix);
        if (length !== undefined && length !== ai.length) {
          throw new Error(`AI dictionary is broken: AIs starting ${prefix} differ in length`);
        }
        this.aiLengthByPrefix.set(prefix, ai.length);
        for (let n = 1; n < ai.length; n++) this.properPrefixes.add(ai.slice(0, n));
        if (entry.dlQualifierSequences) this.addDlSequences(ai, entry.dlQualifierSequences);
      }
    }
  }

  private addDlSequences(key: string, alternatives: readonly (readonly string[])[]): void {
    this.dlPathSequences.add(key);
    for (const qualifiers of alternatives) {
      // Every order-preserving subset of the qualifiers may follow the key.
      for (let mask = 1; mask < 1 << qualifiers.length; mask++) {
        const chosen = qualifiers.filter((_, i) => (mask & (1 << i)) !== 0);
        this.dlPathSequences.add([key, ...chosen].join(' '));
      }
    }
  }

  /** The definition of an AI given exactly, e.g. "01" or "3103"; null if there is none. */
  lookupAi(ai: string, options: AiLookupOptions = {}): AiDefinition | null {
    const known = this.byAi.get(ai);
    if (known) return known;
    return options.permitUnknownAis ? this.admitUnknown(ai) : null;
  }

  /** The AI at the start of unbracketed data, told by its first two digits. */
  lookupAiAtStartOf(data: string, options: AiLookupOptions = {}): AiDefinition | null {
    for (let length = 2; length <= 4; length++) {
      const known = this.byAi.get(data.slice(0, length));
      if (known) return known;
    }
    if (!options.permitUnknownAis) return null;
    // An unknown AI can only be split from its value when its prefix fixes its length.
    const length = this.aiLengthForPrefix(data);
    return length === null ? null : this.admitUnknown(data.slice(0, length));
  }

  /** Length of every AI starting with the first two digits of `data`, if the dictionary has one. */
  aiLengthForPrefix(data: string): number | null {
    return this.aiLengthByPrefix.get(data.slice(0, 2)) ?? null;
  }

  isDlPrimaryKey(ai: string): boolean {
    return this.dlPathSequences.has(ai);
  }

  /** Whether `ais` (key first) is a valid Digital Link path: the key then its qualifiers in order. */
  isValidDlPathSequence(ais: readonly string[]): boolean {
    return this.dlPathSequences.has(ais.join(' '));
  }

  /** The key's qualifiers put in their dlpkey order, or null when no sequence holds them all. */
  orderDlQualifiers(key: string, qualifiers: readonly string[]): string[] | null {
    const alternatives = this.byAi.get(key)?.dlQualifierSequences ?? [];
    for (const order of alternatives) {
      if (
        qualifiers.every((q) => order.includes(q)) &&
        new Set(qualifiers).size === qualifiers.length
      ) {
        return [...qualifiers].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      }
    }
    return null;
  }

  /** Every linter name the dictionary refers to. */
  referencedLinters(): Set<string> {
    const names = new Set<string>();
    for (const entry of this.entries) {
      for (const component of entry.components) component.linters.forEach((l) => names.add(l));
    }
    return names;
  }

  /**
   * An AI outside the dictionary, admitted as the GS1 Syntax Engine does: 2-4 digits, not
   * clashing with a known AI by prefix, of the length its first two digits imply, holding
   * CSET 82 data of the standard's pre-defined length or up to 90 characters.
   */
  private admitUnknown(ai: string): AiDefinition | null {
    if (!/^\d{2,4}$/.test(ai) || this.properPrefixes.has(ai)) return null;
    for (let n = 2; n < ai.length; n++) if (this.byAi.has(ai.slice(0, n))) return null;
    const length = this.aiLengthForPrefix(ai);
    if (length !== null && length !== ai.length) return null;
    const valueLength = PREDEFINED_VALUE_LENGTHS[ai.slice(0, 2)];
    return {
      ai,
      known: false,
      title: 'UNKNOWN AI',
      fixedLength: valueLength !== undefined,
      dlDataAttribute: false,
      components: [
        {
          charset: 'X',
          min: valueLength ?? 1,
          max: valueLength ?? UNKNOWN_AI_MAX_LENGTH,
          optional: false,
          linters: [],
        },
      ],
      requires: [],
      excludes: [],
      dlQualifierSequences: null,
    };
  }
}

/** The dictionary generated from data/gs1-syntax-dictionary.txt. */
export const GS1_AI_DICTIONARY = new AiDictionary();

/** The definition of one AI in the GS1 dictionary, e.g. `lookupAi('17')`. */
export function lookupAi(ai: string, options?: AiLookupOptions): AiDefinition | null {
  return GS1_AI_DICTIONARY.lookupAi(ai, options);
}

/** The AI at the start of unbracketed element-string data, e.g. "17" for "17250331...". */
export function lookupAiAtStartOf(data: string, options?: AiLookupOptions): AiDefinition | null {
  return GS1_AI_DICTIONARY.lookupAiAtStartOf(data, options);
}
