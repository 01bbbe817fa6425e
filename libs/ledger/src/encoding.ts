import { Buffer } from 'node:buffer';

/** Strict text checks shared by the formats: one rule for every parser, no lenient decoding. */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict RFC 4648 §4 base64 (standard alphabet, padded, no whitespace, zero pad bits), or
 * null. Buffer.from(…, 'base64') alone skips invalid characters silently, which would let
 * two different texts stand for the same proof or key.
 */
export function decodeBase64(text: unknown): Buffer | null {
  if (typeof text !== 'string' || !BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/** String.prototype.isWellFormed (ES2024, in every Node the project supports: 20+). */
type WellFormedCheck = { isWellFormed(): boolean };

/** True when the string has no lone surrogate, i.e. it has a UTF-8 form. */
export function isWellFormedString(s: string): boolean {
  // Native: JCS runs this on every string of every entry, a regex would be several times slower.
  return (s as string & WellFormedCheck).isWellFormed();
}

/** True when `s` has an ASCII control character (below U+0020) other than newline. */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}
