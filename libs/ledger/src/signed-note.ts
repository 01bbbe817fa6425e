import { Buffer, isUtf8 } from 'node:buffer';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { decodeBase64, hasControlCharacter, isWellFormedString } from './encoding';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519, byte-compatible with
 * golang.org/x/mod/sumdb/note: key IDs, verifier-key text, private-key text and signature
 * lines are computed exactly as there, so Go tooling can check what this library signs.
 */
export class NoteError extends Error {
  override name = 'NoteError';
}

const ALG_ED25519 = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
// DER wrappers that let node:crypto import raw Ed25519 keys (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_LINE_PREFIX = '\u2014 '; // em dash, space
/** Go's limit: a note with more signatures is refused before any is checked (C2SP: ≥ 16). */
export const MAX_NOTE_SIGNATURES = 100;

// Go's unicode.IsSpace set above U+001F (control characters are refused anyway), plus '+':
// a key name is a '+'-separated field of the key text.
const SPACE_OR_PLUS = /[ \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/;
const HEX_KEY_ID = /^[0-9a-fA-F]{8}$/;

export interface NoteSigner {
  name: string;
  /** 4-byte key ID. */
  keyId: Buffer;
  /** 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** 32-byte Ed25519 seed: the secret. */
  seed: Buffer;
  sign(message: Uint8Array): Buffer;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature as it appears on the line (base64 of key ID || signature). */
  base64: string;
}

export interface OpenedNote {
  /** The signed text, final newline included. */
  text: string;
  /** Names of the trusted keys whose signatures verified (each once). */
  verifiedBy: string[];
  /** The verified signatures. */
  signatures: NoteSignature[];
  /** Signatures by keys the caller did not pass (witness cosignatures…), not checked. */
  unverified: NoteSignature[];
}

/** C2SP key name rule: non-empty, no Unicode space, no '+'; also no control characters. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !SPACE_OR_PLUS.test(name) &&
    !name.includes('\n') &&
    !hasControlCharacter(name) &&
    isWellFormedString(name)
  );
}

function assertName(name: unknown): asserts name is string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

function assertPublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_KEY_SIZE) {
    throw new NoteError(`an Ed25519 public key is ${ED25519_KEY_SIZE} bytes`);
  }
}

/** Go's chop: the text before the first `sep` and the rest (empty when `sep` is absent). */
function chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

/** Key ID: first 4 bytes of SHA-256(name || 0x0A || 0x01 || 32-byte public key). */
export function keyId(name: string, publicKey: Uint8Array): Buffer {
  assertName(name);
  assertPublicKey(publicKey);
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ALG_ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** `<name>+<8 hex key ID>+<base64(0x01 || public key)>`, what verifiers are configured with. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = keyId(name, publicKey);
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]).toString('base64');
  return `${name}+${id.toString('hex')}+${key}`;
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
  } catch (err) {
    throw new NoteError(`not an Ed25519 public key: ${(err as Error).message}`);
  }
}

/** Decodes the `base64(0x01 || 32 bytes)` field shared by both key texts. */
function ed25519KeyField(b64: string, what: string): Buffer {
  const raw = decodeBase64(b64);
  if (!raw || raw.length === 0) throw new NoteError(`malformed ${what}: key is not base64`);
  if (raw[0] !== ALG_ED25519) throw new NoteError(`${what}: unknown algorithm ${raw[0]}`);
  if (raw.length !== 1 + ED25519_KEY_SIZE) throw new NoteError(`malformed ${what}: key size`);
  return Buffer.from(raw.subarray(1));
}

/** Parses `<name>+<hex key ID>+<base64(0x01 || public key)>`; the key ID must match. */
export function parseVerifierKey(text: string): NoteVerifier {
  // Surrounding whitespace comes from files and environment variables, never from the key.
  const [name, rest] = chop(String(text).trim(), '+');
  const [idHex, b64] = chop(rest, '+');
  if (!isValidKeyName(name) || !HEX_KEY_ID.test(idHex)) {
    throw new NoteError('verifier key must be <name>+<8 hex digits>+<base64 key>');
  }
  const publicKey = ed25519KeyField(b64, 'verifier key');
  const id = keyId(name, publicKey);
  if (!id.equals(Buffer.from(idHex, 'hex'))) {
    throw new NoteError('verifier key ID does not match its name and key');
  }
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: id,
    publicKey,
    verify: (message, signature) =>
      signature.length === ED25519_SIGNATURE_SIZE && verify(null, message, key, signature),
  };
}

/** A signer from a 32-byte Ed25519 seed (RFC 8032 private key). */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  assertName(name);
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_SIZE) {
    throw new NoteError(`an Ed25519 seed is ${ED25519_KEY_SIZE} bytes`);
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(spki.length - ED25519_KEY_SIZE));
  return {
    name,
    keyId: keyId(name, publicKey),
    publicKey,
    seed: Buffer.from(seed),
    sign: (message) => sign(null, message, privateKey),
  };
}

/** Parses Go's `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`. */
export function parsePrivateKey(text: string): NoteSigner {
  const [priv1, rest1] = chop(String(text).trim(), '+');
  const [priv2, rest2] = chop(rest1, '+');
  const [name, rest3] = chop(rest2, '+');
  const [idHex, b64] = chop(rest3, '+');
  if (priv1 !== 'PRIVATE' || priv2 !== 'KEY' || !isValidKeyName(name) || !HEX_KEY_ID.test(idHex)) {
    throw new NoteError('private key must be PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>');
  }
  const signer = signerFromSeed(name, ed25519KeyField(b64, 'private key'));
  // The ID names the public key, so it can only be checked once that is derived.
  if (!signer.keyId.equals(Buffer.from(idHex, 'hex'))) {
    throw new NoteError('private key ID does not match its name and key');
  }
  return signer;
}

export function formatPrivateKey(signer: NoteSigner): string {
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), signer.seed]).toString('base64');
  return `PRIVATE+KEY+${signer.name}+${signer.keyId.toString('hex')}+${key}`;
}

/** A new random Ed25519 signer. */
export function generateSigner(name: string): NoteSigner {
  return signerFromSeed(name, randomBytes(ED25519_KEY_SIZE));
}

/** C2SP note text rules: well-formed UTF-8, ends in a newline, no other control characters. */
function assertNoteText(text: unknown): asserts text is string {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new NoteError('note text must end in a newline');
  }
  if (!isWellFormedString(text)) throw new NoteError('note text is not valid Unicode');
  if (hasControlCharacter(text)) throw new NoteError('note text has control characters');
}

/**
 * Signs a note text (non-empty lines or blank lines, ending in a newline): the text, a
 * blank line, then one `— <name> <base64(key ID || signature)>` line per signer.
 */
export function signNote(text: string, ...signers: NoteSigner[]): string {
  assertNoteText(text);
  if (signers.length === 0) throw new NoteError('a note needs at least one signer');
  const message = Buffer.from(text, 'utf8');
  let lines = '';
  for (const s of signers) {
    assertName(s.name);
    if (s.keyId.length !== 4) throw new NoteError('a key ID is 4 bytes');
    const sig = Buffer.concat([s.keyId, s.sign(message)]).toString('base64');
    lines += `${SIGNATURE_LINE_PREFIX}${s.name} ${sig}\n`;
  }
  return `${text}\n${lines}`;
}

/**
 * Opens a signed note, as golang.org/x/mod/sumdb/note's Open does: at least one valid
 * signature by a trusted key is required; signatures by unknown keys (witness
 * cosignatures…) are ignored and listed; a failing signature by a known key (same name and
 * key ID) rejects the whole note. Throws NoteError on a malformed note.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  let msg: string;
  if (typeof note === 'string') {
    if (!isWellFormedString(note)) throw new NoteError('malformed note: not valid Unicode');
    msg = note;
  } else if (note instanceof Uint8Array) {
    const bytes = Buffer.from(note.buffer, note.byteOffset, note.byteLength);
    if (!isUtf8(bytes)) throw new NoteError('malformed note: not valid UTF-8');
    msg = bytes.toString('utf8');
  } else {
    throw new NoteError('a note is a string or bytes');
  }
  if (hasControlCharacter(msg)) throw new NoteError('malformed note: control characters');

  // The text ends at the last blank line; signature lines are never blank.
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) {
    throw new NoteError('malformed note: signature block must end in a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new NoteError(`malformed note: more than ${MAX_NOTE_SIGNATURES} signatures`);
  }

  const message = Buffer.from(text, 'utf8');
  const signatures: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_LINE_PREFIX)) {
      throw new NoteError('malformed note: signature line must start with "— "');
    }
    const [name, b64] = chop(line.slice(SIGNATURE_LINE_PREFIX.length), ' ');
    const raw = decodeBase64(b64);
    if (!isValidKeyName(name) || !raw || raw.length < 5) {
      throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    }
    const id = raw.subarray(0, 4);
    const sig: NoteSignature = { name, keyId: Buffer.from(id), base64: b64 };
    const key = `${name}+${id.toString('hex')}`;
    const matches = verifiers.filter((v) => v.name === name && v.keyId.equals(id));
    if (matches.length === 0) {
      // A key is name and ID together: sharing only one of them with a trusted key is unknown.
      if (!seen.has(`?${line}`)) unverified.push(sig);
      seen.add(`?${line}`);
      continue;
    }
    if (matches.length > 1) throw new NoteError(`ambiguous verifier keys for ${key}`);
    // Every signature by a known key is checked, repeated ones included.
    if (!matches[0].verify(message, raw.subarray(4))) {
      throw new NoteError(`invalid signature by ${key}`);
    }
    if (!seen.has(key)) signatures.push(sig);
    seen.add(key);
  }
  if (signatures.length === 0) throw new NoteError('note has no valid signature by a trusted key');
  return {
    text,
    verifiedBy: [...new Set(signatures.map((s) => s.name))],
    signatures,
    unverified,
  };
}
