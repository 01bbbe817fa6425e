import { Buffer } from 'node:buffer';
import { Checkpoint, openCheckpoint } from './checkpoint';
import { decodeBase64 } from './encoding';
import { HASH_SIZE, leafHash } from './merkle-hash';
import { checkInclusion } from './merkle-verify';
import { NoteVerifier } from './signed-note';

/**
 * Receipts: the offline proof that an entry is in the log. The text form is C2SP
 * tlog-proof@v1 (https://c2sp.org/tlog-proof):
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>            (optional, unauthenticated)
 *     index <n>
 *     <base64 inclusion hash>   (zero or more, the leaf's sibling first)
 *     <blank line>
 *     <signed checkpoint note, verbatim>
 *
 * It is handed out with the entry bytes; the JSON form carries the entry itself. Verifying
 * recomputes the leaf hash from the entry bytes and the root from the proof, and checks the
 * checkpoint's signature: nothing in a receipt is taken on trust.
 */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export class ReceiptError extends Error {
  override name = 'ReceiptError';
}

export interface ReceiptParts {
  index: number;
  inclusion: Buffer[];
  /** The signed checkpoint note. */
  checkpoint: string;
  /** Opaque application data; not authenticated by anything in the receipt. */
  extra?: Buffer;
}

/** The JSON form: `{index, entry, inclusion, checkpoint}`, bytes as base64. */
export interface ReceiptJson {
  index: number;
  entry: string;
  inclusion: string[];
  checkpoint: string;
  extra?: string;
  /** Informative only: a verifier recomputes it, and refuses a receipt whose copy differs. */
  leafHash?: string;
}

export interface VerifiedReceipt extends Checkpoint {
  index: number;
  /** The leaf hash recomputed from the entry bytes. */
  leafHash: Buffer;
  /** The entry bytes the receipt was verified for. */
  entry: Buffer;
  /** Unauthenticated extra data, when the receipt had some. */
  extra?: Buffer;
}

export interface VerifyReceiptOptions {
  /** The origin of the log the receipt must come from. */
  origin?: string;
}

const INDEX_LINE = /^index (0|[1-9][0-9]*)$/;

function assertIndex(index: unknown): asserts index is number {
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw new ReceiptError(`receipt index must be a non-negative safe integer`);
  }
}

function assertCheckpointNote(note: unknown): asserts note is string {
  if (typeof note !== 'string' || !note.endsWith('\n') || !note.includes('\n\n')) {
    throw new ReceiptError('receipt checkpoint must be a signed note');
  }
}

export function formatReceipt(parts: ReceiptParts): string {
  assertIndex(parts.index);
  assertCheckpointNote(parts.checkpoint);
  let out = `${TLOG_PROOF_HEADER}\n`;
  if (parts.extra !== undefined) out += `extra ${Buffer.from(parts.extra).toString('base64')}\n`;
  out += `index ${parts.index}\n`;
  for (const h of parts.inclusion) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new ReceiptError(`inclusion hashes must be ${HASH_SIZE} bytes`);
    }
    out += `${Buffer.from(h).toString('base64')}\n`;
  }
  return `${out}\n${parts.checkpoint}`;
}

/** Parses a tlog-proof@v1 text strictly (checks the format only, not the proof). */
export function parseReceipt(text: string): ReceiptParts {
  if (typeof text !== 'string') throw new ReceiptError('a receipt is text');
  let pos = 0;
  const nextLine = (): string => {
    const end = text.indexOf('\n', pos);
    if (end < 0) throw new ReceiptError('malformed receipt: truncated before the checkpoint');
    const line = text.slice(pos, end);
    pos = end + 1;
    return line;
  };
  if (nextLine() !== TLOG_PROOF_HEADER) {
    throw new ReceiptError(`receipt must start with ${TLOG_PROOF_HEADER}`);
  }
  let line = nextLine();
  let extra: Buffer | undefined;
  if (line.startsWith('extra ')) {
    const bytes = decodeBase64(line.slice('extra '.length));
    if (!bytes) throw new ReceiptError('malformed receipt: extra data is not base64');
    extra = bytes;
    line = nextLine();
  }
  const m = INDEX_LINE.exec(line);
  if (!m || !Number.isSafeInteger(Number(m[1]))) {
    throw new ReceiptError('malformed receipt: no valid index line');
  }
  const inclusion: Buffer[] = [];
  for (line = nextLine(); line !== ''; line = nextLine()) {
    const h = decodeBase64(line);
    if (!h || h.length !== HASH_SIZE) {
      throw new ReceiptError(`malformed receipt: proof line ${inclusion.length} is not a hash`);
    }
    inclusion.push(h);
  }
  const checkpoint = text.slice(pos);
  assertCheckpointNote(checkpoint);
  const parts: ReceiptParts = { index: Number(m[1]), inclusion, checkpoint };
  if (extra) parts.extra = extra;
  return parts;
}

function verifyParts(
  parts: ReceiptParts,
  entry: Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: VerifyReceiptOptions,
): VerifiedReceipt {
  if (!(entry instanceof Uint8Array)) throw new ReceiptError('entry bytes are required');
  // Signature first: an unsigned root proves nothing, however well the path fits it.
  const cp = openCheckpoint(parts.checkpoint, verifiers, options);
  const leaf = leafHash(entry);
  checkInclusion(leaf, parts.index, cp.size, parts.inclusion, cp.root);
  const verified: VerifiedReceipt = {
    ...cp,
    index: parts.index,
    leafHash: leaf,
    entry: Buffer.from(entry),
  };
  if (parts.extra) verified.extra = parts.extra;
  return verified;
}

/**
 * Verifies a tlog-proof@v1 text for the given entry bytes: the checkpoint's signature by a
 * trusted key, then the inclusion of SHA-256(0x00 || entry) at the index in that tree.
 */
export function verifyReceipt(args: {
  receiptText: string;
  entryBytes: Uint8Array;
  verifiers: readonly NoteVerifier[];
  origin?: string;
}): VerifiedReceipt {
  return verifyParts(parseReceipt(args.receiptText), args.entryBytes, args.verifiers, {
    origin: args.origin,
  });
}

/** The JSON form of a receipt, as served next to the text form. */
export function formatReceiptJson(parts: ReceiptParts & { entry: Uint8Array }): ReceiptJson {
  formatReceipt(parts); // the same checks as the text form
  const json: ReceiptJson = {
    index: parts.index,
    entry: Buffer.from(parts.entry).toString('base64'),
    inclusion: parts.inclusion.map((h) => Buffer.from(h).toString('base64')),
    checkpoint: parts.checkpoint,
  };
  if (parts.extra !== undefined) json.extra = Buffer.from(parts.extra).toString('base64');
  return json;
}

/** Parses the JSON form strictly: types checked, base64 canonical, hashes 32 bytes. */
export function parseReceiptJson(
  json: unknown,
): ReceiptParts & { entry: Buffer; leafHash?: Buffer } {
  const j = json as Partial<Record<keyof ReceiptJson, unknown>> | null;
  if (typeof j !== 'object' || j === null || Array.isArray(j)) {
    throw new ReceiptError('receipt JSON must be an object');
  }
  assertIndex(j.index);
  const entry = decodeBase64(j.entry);
  if (!entry) throw new ReceiptError('receipt JSON: entry must be base64');
  if (!Array.isArray(j.inclusion)) throw new ReceiptError('receipt JSON: inclusion must be a list');
  const inclusion = j.inclusion.map((h: unknown, i: number) => {
    const bytes = decodeBase64(h);
    if (!bytes || bytes.length !== HASH_SIZE) {
      throw new ReceiptError(`receipt JSON: inclusion[${i}] is not a base64 hash`);
    }
    return bytes;
  });
  assertCheckpointNote(j.checkpoint);
  const parts: ReceiptParts & { entry: Buffer; leafHash?: Buffer } = {
    index: j.index,
    entry,
    inclusion,
    checkpoint: j.checkpoint,
  };
  if (j.extra !== undefined) {
    const extra = decodeBase64(j.extra);
    if (!extra) throw new ReceiptError('receipt JSON: extra must be base64');
    parts.extra = extra;
  }
  if (j.leafHash !== undefined) {
    const leaf = decodeBase64(j.leafHash);
    if (!leaf) throw new ReceiptError('receipt JSON: leafHash must be base64');
    parts.leafHash = leaf;
  }
  return parts;
}

/**
 * Verifies the JSON form: the entry it carries is hashed here, so the result's `entry` is
 * the verified bytes to read the entry from.
 */
export function verifyReceiptJson(
  json: unknown,
  verifiers: readonly NoteVerifier[],
  options: VerifyReceiptOptions = {},
): VerifiedReceipt {
  const parts = parseReceiptJson(json);
  const verified = verifyParts(parts, parts.entry, verifiers, options);
  // The supplied copy is never used, but a receipt that contradicts itself is not accepted.
  if (parts.leafHash && !parts.leafHash.equals(verified.leafHash)) {
    throw new ReceiptError('receipt JSON: leafHash is not the hash of the entry');
  }
  return verified;
}
