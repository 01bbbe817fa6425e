/* global require, module, process, __dirname, console */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script run by node */
// Generates src/ai-dictionary.data.ts from data/gs1-syntax-dictionary.txt, so that the AI
// table is the GS1 Barcode Syntax Dictionary's data and the runtime reads no files.
//
//   node libs/identifiers/scripts/generate-ai-dictionary.js
//
// The spec ai-dictionary.data.spec.ts re-parses the dictionary and fails when the generated
// module is stale.
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const DICTIONARY_PATH = join(__dirname, '..', 'data', 'gs1-syntax-dictionary.txt');
const OUTPUT_PATH = join(__dirname, '..', 'src', 'ai-dictionary.data.ts');

const FLAG_TOKEN = /^[*!?"$%&'()+,\-./:;<=>@[\\\]^_`{|}~]+$/;
const COMPONENT_TOKEN = /^(\[)?([NXYZ])(\d*)(?:\.\.(\d+))?(\])?((?:,[a-z0-9]+)*)$/;
const AI_TOKEN = /^(\d{2,4})(?:-(\d{2,4}))?$/;
const AI_PATTERN = /^\d{2,4}$|^\d+n+$/;

function fail(lineNumber, message) {
  throw new Error(`gs1-syntax-dictionary.txt line ${lineNumber}: ${message}`);
}

function parsePatternList(lineNumber, list) {
  const patterns = list.split(',');
  for (const pattern of patterns) {
    for (const part of pattern.split('+')) {
      if (!AI_PATTERN.test(part)) fail(lineNumber, `bad AI pattern "${part}"`);
    }
  }
  return patterns;
}

function parseComponent(lineNumber, token) {
  const m = COMPONENT_TOKEN.exec(token);
  if (!m) fail(lineNumber, `bad component "${token}"`);
  const [, open, charset, first, upTo, close, linterList] = m;
  if (Boolean(open) !== Boolean(close)) fail(lineNumber, `unbalanced brackets in "${token}"`);
  if (!first && upTo === undefined) fail(lineNumber, `component "${token}" has no length`);
  const max = Number(upTo ?? first);
  const min = upTo === undefined ? max : first ? Number(first) : 1;
  if (min > max || max === 0) fail(lineNumber, `bad length in "${token}"`);
  return {
    charset,
    min,
    max,
    optional: Boolean(open),
    linters: linterList ? linterList.slice(1).split(',') : [],
  };
}

/** Parses the dictionary text into entries plus the release named in its header. */
function parseSyntaxDictionary(text) {
  const entries = [];
  const release = /^#\s*Release:\s*(\S+)/m.exec(text)?.[1] ?? 'UNKNOWN';
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const hash = line.indexOf('#');
    const title = hash >= 0 ? line.slice(hash + 1).trim() : '';
    const tokens = (hash >= 0 ? line.slice(0, hash) : line).trim().split(/\s+/);

    const aiMatch = AI_TOKEN.exec(tokens.shift());
    if (!aiMatch) fail(lineNumber, 'expected an AI or AI range');
    const first = aiMatch[1];
    const last = aiMatch[2] ?? first;
    if (last.length !== first.length || last < first) fail(lineNumber, 'bad AI range');

    let flags = '';
    if (tokens.length > 0 && FLAG_TOKEN.test(tokens[0])) flags = tokens.shift();
    for (const flag of flags) {
      if (flag !== '*' && flag !== '?') fail(lineNumber, `undefined flag "${flag}"`);
    }

    const components = [];
    while (tokens.length > 0 && !tokens[0].includes('=') && tokens[0] !== 'dlpkey') {
      components.push(parseComponent(lineNumber, tokens.shift()));
    }
    if (components.length === 0) fail(lineNumber, 'no specification');
    components.forEach((component, i) => {
      if (i < components.length - 1 && component.min !== component.max) {
        fail(lineNumber, 'only the final component may have variable length');
      }
      if (i > 0 && components[i - 1].optional && !component.optional) {
        fail(lineNumber, 'a mandatory component follows an optional one');
      }
    });

    const requires = [];
    const excludes = [];
    let dlQualifierSequences = null;
    for (const token of tokens) {
      if (token.startsWith('req=')) {
        requires.push(parsePatternList(lineNumber, token.slice(4)).map((alt) => alt.split('+')));
      } else if (token.startsWith('ex=')) {
        excludes.push(...parsePatternList(lineNumber, token.slice(3)));
      } else if (token === 'dlpkey') {
        dlQualifierSequences = [];
      } else if (token.startsWith('dlpkey=')) {
        dlQualifierSequences = token
          .slice(7)
          .split('|')
          .map((sequence) => parsePatternList(lineNumber, sequence));
      } else {
        fail(lineNumber, `unknown attribute "${token}"`);
      }
    }

    entries.push({
      first,
      last,
      fixedLength: flags.includes('*'),
      dlDataAttribute: flags.includes('?'),
      components,
      requires,
      excludes,
      dlQualifierSequences,
      title,
    });
  });
  return { release, entries };
}

function sha256(text) {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The TypeScript module text (before prettier formats it). */
function renderAiDictionaryModule(text) {
  const { release, entries } = parseSyntaxDictionary(text);
  const source = { file: 'gs1-syntax-dictionary.txt', release, sha256: sha256(text) };
  return [
    '// Generated by libs/identifiers/scripts/generate-ai-dictionary.js from',
    '// libs/identifiers/data/gs1-syntax-dictionary.txt (gs1/gs1-syntax-dictionary, Apache-2.0).',
    '// Do not edit: change the dictionary and run the script again.',
    "import type { AiDictionaryEntry, AiDictionarySource } from './ai-dictionary-types';",
    '',
    `export const AI_DICTIONARY_SOURCE: AiDictionarySource = ${JSON.stringify(source)};`,
    '',
    `export const AI_DICTIONARY_ENTRIES: readonly AiDictionaryEntry[] = ${JSON.stringify(entries)};`,
    '',
  ].join('\n');
}

function main() {
  const text = readFileSync(DICTIONARY_PATH, 'utf8');
  writeFileSync(OUTPUT_PATH, renderAiDictionaryModule(text));
  // Formatted with the project's prettier so that `prettier --check` passes on the output.
  execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--write', OUTPUT_PATH],
    {
      stdio: 'inherit',
    },
  );
  console.log(`wrote ${OUTPUT_PATH}`);
}

module.exports = { DICTIONARY_PATH, parseSyntaxDictionary, renderAiDictionaryModule, sha256 };

if (require.main === module) main();
