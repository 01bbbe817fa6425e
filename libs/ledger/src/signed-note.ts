import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * C2SP signed-note with Ed25519, byte-compatible with golang.org/x/mod/sumdb/note: key IDs,
 * verifier-key text, private-key text and signature lines are computed exactly as there.
 */
export class NoteError extends Error {}

const ALG_ED25519 = 0x01;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const EM_DASH = '\u2014';

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  seed: Buffer;
  sign(message: Buffer): Buffer;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  verify(message: Buffer, signature: Buffer): boolean;
}

/** Splits `count - 1` leading '+'-separated fields; the last field is the rest. */
function splitFields(text: string, count: number): string[] | null {
  const out: string[] = [];
  let rest = text;
  for (let i = 0; i < count - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return null;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/** A key name: non-empty, no whitespace and no '+' (it is a field of the key text). */
function checkName(name: string) {
  if (!name || /[\s+]/.test(name) || !/^[\x21-\x7e\u00a0-\uffff]+$/u.test(name)) {
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  }
}

/** First 4 bytes of SHA-256(name || "\n" || 0x01 || public key). */
export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ALG_ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function formatVerifierKey(name: string, publicKey: Buffer): string {
  checkName(name);
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]).toString('base64');
  return `${name}+${keyId(name, publicKey).toString('hex')}+${key}`;
}

function publicKeyObject(publicKey: Buffer): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

export function parseVerifierKey(text: string): NoteVerifier {
  // Only the leading fields are split: base64 may itself contain '+' (as in Go's chop).
  const parts = splitFields(text.trim(), 3);
  if (!parts) throw new NoteError('verifier key must be <name>+<keyid>+<base64>');
  const [name, idHex, b64] = parts;
  checkName(name);
  const raw = Buffer.from(b64, 'base64');
  if (!/^[0-9a-f]{8}$/.test(idHex) || raw.length !== 33 || raw[0] !== ALG_ED25519) {
    throw new NoteError('malformed Ed25519 verifier key');
  }
  const publicKey = raw.subarray(1);
  if (!keyId(name, publicKey).equals(Buffer.from(idHex, 'hex'))) {
    throw new NoteError('verifier key id does not match its name and key');
  }
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: Buffer.from(idHex, 'hex'),
    publicKey,
    verify: (message, signature) => verify(null, message, key, signature),
  };
}

function signerFromSeed(name: string, seed: Buffer): NoteSigner {
  checkName(name);
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(spki.length - 32));
  return {
    name,
    keyId: keyId(name, publicKey),
    publicKey,
    seed,
    sign: (message) => sign(null, message, privateKey),
  };
}

/** Go's `PRIVATE+KEY+<name>+<keyid>+<base64(0x01 || seed)>`. */
export function parsePrivateKey(text: string): NoteSigner {
  const parts = splitFields(text.trim(), 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new NoteError('private key must be PRIVATE+KEY+<name>+<keyid>+<base64>');
  }
  const [, , name, idHex, b64] = parts;
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 33 || raw[0] !== ALG_ED25519)
    throw new NoteError('malformed Ed25519 private key');
  const signer = signerFromSeed(name, raw.subarray(1));
  if (signer.keyId.toString('hex') !== idHex) {
    throw new NoteError('private key id does not match its key');
  }
  return signer;
}

export function formatPrivateKey(signer: NoteSigner): string {
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), signer.seed]).toString('base64');
  return `PRIVATE+KEY+${signer.name}+${signer.keyId.toString('hex')}+${key}`;
}

export function generateSigner(name: string): NoteSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return signerFromSeed(name, Buffer.from(der.subarray(der.length - 32)));
}

/** Signs a note text (which must end in a newline) and appends the signature line. */
export function signNote(text: string, ...signers: NoteSigner[]): string {
  checkText(text);
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => {
    const sig = Buffer.concat([s.keyId, s.sign(message)]).toString('base64');
    return `${EM_DASH} ${s.name} ${sig}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

function checkText(text: string) {
  if (!text.endsWith('\n')) throw new NoteError('note text must end in a newline');
  if (text.includes('\n\n') || text.startsWith('\n'))
    throw new NoteError('note text has a blank line');
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) {
      throw new NoteError('note text has control characters');
    }
  }
}

export interface OpenedNote {
  text: string;
  /** Names of the trusted keys whose signatures verified. */
  verifiedBy: string[];
}

/**
 * Opens a signed note: at least one valid signature by a trusted key is required; signatures
 * by unknown keys (witness cosignatures…) are ignored; a bad signature by a known key fails.
 */
export function openNote(note: string, verifiers: NoteVerifier[]): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  checkText(text);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n') || block.length === 0)
    throw new NoteError('malformed note: signature block');
  const message = Buffer.from(text, 'utf8');
  const verifiedBy: string[] = [];
  for (const line of block.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!m) throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    const [, name, b64] = m;
    const sig = Buffer.from(b64, 'base64');
    if (sig.length < 5) throw new NoteError('signature too short');
    const id = sig.subarray(0, 4);
    const verifier = verifiers.find((v) => v.name === name && v.keyId.equals(id));
    if (!verifier) continue;
    if (!verifier.verify(message, sig.subarray(4))) {
      throw new NoteError(`invalid signature by ${name}`);
    }
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) throw new NoteError('no valid signature by a trusted key');
  return { text, verifiedBy };
}
