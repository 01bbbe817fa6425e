import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Typed access to the GS1 test vectors copied into fixtures/gs1 (see its NOTICE.md):
 * gs1/gs1-syntax-engine, gs1/gs1-syntax-dictionary, gs1/digital-link.js and
 * gs1/GS1DigitalLinkToolkit.js tests, Apache-2.0.
 */
export const GS1_FIXTURES = join(__dirname, 'fixtures', 'gs1');

export type ScanCaseKind =
  | 'scan_data'
  | 'bracketed_ai_string'
  | 'unbracketed_element_string'
  | 'unbracketed_element_string_no_fnc1_prefix'
  | 'digital_link_uri';

export interface ScanCase {
  id: string;
  kind: ScanCaseKind;
  input: string;
  expected_valid?: boolean;
  expected_ais?: { ai: string; value: string }[];
  expected_symbology?: string;
  expected_linter_result?: string;
  expected_check_digit_valid?: boolean;
  expected_element_string?: string;
  expected_dl_uri?: string;
  expected_parse?: {
    domain: string;
    identifier: Record<string, string>;
    keyQualifiers?: Record<string, string>;
    attributes?: Record<string, string>;
    linkType?: string;
  };
  source_function?: string;
  validation_rule?: string;
  flags?: Record<string, boolean>;
  comment?: string;
}

export interface LinterCase {
  linter: string;
  input: string;
  expected_pass: boolean;
  expected_error?: string;
  /** The input with the offending span wrapped in `*`. */
  expected_highlight?: string;
}

const readJson = <T>(file: string): T =>
  JSON.parse(readFileSync(join(GS1_FIXTURES, file), 'utf8')) as T;

export const loadScanCases = (): ScanCase[] =>
  readJson<{ cases: ScanCase[] }>('scan-cases.json').cases;

export const loadLinterCases = (): LinterCase[] =>
  readJson<{ cases: LinterCase[] }>('linter-cases.json').cases;
