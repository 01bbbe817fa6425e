import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

/** SHA-256 output size: every leaf hash, node hash, root and proof element is this long. */
export const HASH_SIZE = 32;

// Domain separation of RFC 9162 §2.1.1: a leaf can never be taken for an interior node.
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/** RFC 9162 §2.1.1 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * Root of the empty tree, SHA-256(""). A shared Buffer is mutable, so functions that return
 * the empty root hand out a copy (`emptyRoot()`), never this object.
 */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** A fresh copy of the empty-tree root. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}
