import { Checkpoint, openCheckpoint } from './checkpoint';
import { HASH_SIZE, leafHash } from './merkle-hash';
import { checkInclusion } from './merkle-verify';
import { NoteError, NoteVerifier } from './signed-note';

/**
 * C2SP tlog-proof@v1: the offline proof that an entry is in a log — its index, the inclusion
 * path, and the signed checkpoint the path leads to. Handed out with the entry bytes.
 */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface ReceiptParts {
  index: number;
  inclusion: Buffer[];
  /** The signed checkpoint note. */
  checkpoint: string;
  extra?: Buffer;
}

export function formatReceipt(r: ReceiptParts): string {
  const extra = r.extra ? `extra ${r.extra.toString('base64')}\n` : '';
  const hashes = r.inclusion.map((h) => `${h.toString('base64')}\n`).join('');
  return `${TLOG_PROOF_HEADER}\n${extra}index ${r.index}\n${hashes}\n${r.checkpoint}`;
}

export function parseReceipt(text: string): ReceiptParts {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new NoteError('malformed receipt: no checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines[0] !== TLOG_PROOF_HEADER)
    throw new NoteError(`receipt must start with ${TLOG_PROOF_HEADER}`);
  let i = 1;
  let extra: Buffer | undefined;
  if (lines[i]?.startsWith('extra ')) extra = Buffer.from(lines[i++].slice(6), 'base64');
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i++] ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1])))
    throw new NoteError('receipt has no valid index line');
  const inclusion = lines.slice(i).map((l) => {
    const h = Buffer.from(l, 'base64');
    if (h.length !== HASH_SIZE || h.toString('base64') !== l)
      throw new NoteError('bad proof hash in receipt');
    return h;
  });
  return { index: Number(m[1]), inclusion, checkpoint, extra };
}

export interface VerifiedReceipt extends Checkpoint {
  index: number;
}

function verifyParts(
  parts: ReceiptParts,
  entry: Buffer,
  verifiers: NoteVerifier[],
): VerifiedReceipt {
  const cp = openCheckpoint(parts.checkpoint, verifiers);
  checkInclusion(leafHash(entry), parts.index, cp.size, parts.inclusion, cp.root);
  return { ...cp, index: parts.index };
}

/** Checks a tlog-proof text against the entry bytes: signature, then inclusion. */
export function verifyReceipt(args: {
  receiptText: string;
  entryBytes: Buffer;
  verifiers: NoteVerifier[];
}): VerifiedReceipt {
  return verifyParts(parseReceipt(args.receiptText), args.entryBytes, args.verifiers);
}

/** The JSON form served by the API: `{index, entry, inclusion, checkpoint}` (base64). */
export interface ReceiptJson {
  index: number;
  entry: string;
  inclusion: string[];
  checkpoint: string;
}

export function verifyReceiptJson(json: ReceiptJson, verifiers: NoteVerifier[]): VerifiedReceipt {
  if (!json || typeof json.entry !== 'string' || !Array.isArray(json.inclusion)) {
    throw new NoteError('receipt JSON needs index, entry, inclusion and checkpoint');
  }
  return verifyParts(
    {
      index: json.index,
      inclusion: json.inclusion.map((h) => Buffer.from(h, 'base64')),
      checkpoint: json.checkpoint,
    },
    Buffer.from(json.entry, 'base64'),
    verifiers,
  );
}
