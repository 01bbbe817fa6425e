import { Buffer } from 'node:buffer';
import { decodeBase64 } from './encoding';
import { HASH_SIZE } from './merkle-hash';
import { NoteError, NoteSigner, NoteVerifier, openNote, signNote } from './signed-note';

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed tree head, a signed
 * note whose text is `<origin>\n<tree size>\n<base64 root>\n` and optional extension lines.
 */
export interface Checkpoint {
  origin: string;
  /** Tree size; sizes beyond 2^53 - 1 are refused (they do not fit a JavaScript number). */
  size: number;
  /** RFC 9162 root hash at that size, 32 bytes. */
  root: Buffer;
  /** Opaque, non-empty extension lines (NOT RECOMMENDED by the spec; kept when present). */
  extensions?: string[];
}

export interface OpenCheckpointOptions {
  /** The origin the caller expects; a checkpoint of another log is refused. */
  origin?: string;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function assertLine(line: unknown, what: string): asserts line is string {
  if (typeof line !== 'string' || line === '' || line.includes('\n')) {
    throw new NoteError(`checkpoint ${what} must be one non-empty line`);
  }
}

export function formatCheckpointBody(cp: Checkpoint): string {
  assertLine(cp.origin, 'origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) {
    throw new NoteError(`checkpoint tree size must be a non-negative safe integer`);
  }
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== HASH_SIZE) {
    throw new NoteError(`checkpoint root must be ${HASH_SIZE} bytes`);
  }
  const extensions = cp.extensions ?? [];
  extensions.forEach((line) => assertLine(line, 'extension'));
  const root = Buffer.from(cp.root).toString('base64');
  return `${cp.origin}\n${cp.size}\n${root}\n${extensions.map((l) => `${l}\n`).join('')}`;
}

/**
 * Parses a checkpoint body strictly: at least three non-empty lines ending in a newline,
 * a decimal size without leading zeros, the canonical base64 of a 32-byte root, then
 * non-empty extension lines.
 */
export function parseCheckpointBody(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new NoteError('malformed checkpoint: must end in a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('malformed checkpoint: needs origin, size and root');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin) throw new NoteError('malformed checkpoint: empty origin');
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError(`malformed checkpoint: bad tree size ${JSON.stringify(sizeText)}`);
  }
  const root = decodeBase64(rootText);
  if (!root || root.length !== HASH_SIZE) {
    throw new NoteError('malformed checkpoint: root is not base64 of 32 bytes');
  }
  if (extensions.some((l) => l === '')) {
    throw new NoteError('malformed checkpoint: empty extension line');
  }
  const cp: Checkpoint = { origin, size: Number(sizeText), root };
  if (extensions.length > 0) cp.extensions = extensions;
  return cp;
}

/** Formats and signs a checkpoint; the log's key name should be the origin (C2SP). */
export function signCheckpoint(cp: Checkpoint, ...signers: NoteSigner[]): string {
  return signNote(formatCheckpointBody(cp), ...signers);
}

/**
 * Verifies the note's signatures (at least one trusted, unknown ones ignored), then parses
 * the checkpoint it carries; with `origin`, a checkpoint of another log is refused.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: OpenCheckpointOptions = {},
): Checkpoint {
  const cp = parseCheckpointBody(openNote(note, verifiers).text);
  if (options.origin !== undefined && cp.origin !== options.origin) {
    throw new NoteError(`checkpoint origin ${JSON.stringify(cp.origin)} is not the expected one`);
  }
  return cp;
}
