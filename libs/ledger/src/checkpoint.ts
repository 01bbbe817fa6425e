import { HASH_SIZE } from './merkle-hash';
import { NoteError, NoteSigner, NoteVerifier, openNote, signNote } from './signed-note';

/** C2SP tlog-checkpoint body: origin, tree size, root, optional extension lines. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions?: string[];
}

export function formatCheckpointBody(cp: Checkpoint): string {
  if (!cp.origin || /\n/.test(cp.origin)) throw new NoteError('checkpoint origin must be one line');
  if (!(Number.isSafeInteger(cp.size) && cp.size >= 0)) throw new NoteError('bad tree size');
  if (cp.root.length !== HASH_SIZE) throw new NoteError('checkpoint root must be 32 bytes');
  const ext = (cp.extensions ?? []).map((l) => `${l}\n`).join('');
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n${ext}`;
}

export function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    throw new NoteError('malformed checkpoint');
  const [origin, sizeText, rootText, ...rest] = lines.slice(0, -1);
  if (!origin) throw new NoteError('checkpoint has no origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError(`bad checkpoint tree size ${JSON.stringify(sizeText)}`);
  }
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootText) {
    throw new NoteError('checkpoint root is not base64 of 32 bytes');
  }
  if (rest.some((l) => l === '')) throw new NoteError('blank line in checkpoint');
  return { origin, size: Number(sizeText), root, extensions: rest };
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpointBody(cp), signer);
}

/** Verifies the note's signature, then parses the checkpoint it carries. */
export function openCheckpoint(note: string, verifiers: NoteVerifier[]): Checkpoint {
  return parseCheckpointBody(openNote(note, verifiers).text);
}
