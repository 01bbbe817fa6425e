import type { AiDictionaryEntry } from '../src/ai-dictionary-types';

/** Types of generate-ai-dictionary.js, for the spec that checks the generated module is current. */
export declare const DICTIONARY_PATH: string;
export declare function parseSyntaxDictionary(text: string): {
  release: string;
  entries: AiDictionaryEntry[];
};
export declare function renderAiDictionaryModule(text: string): string;
export declare function sha256(text: string): string;
