import {
  formatCheckpointBody,
  openCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
} from './checkpoint';
import { leafHash } from './merkle-hash';
import { MerkleTree } from './merkle-tree';
import { formatReceipt, parseReceipt, verifyReceipt, verifyReceiptJson } from './receipt';
import {
  formatPrivateKey,
  formatVerifierKey,
  generateSigner,
  openNote,
  parsePrivateKey,
  parseVerifierKey,
  signNote,
} from './signed-note';

// Known answer from golang.org/x/mod/sumdb/note (note_test.go).
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIG_LINE =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

describe('C2SP signed note (known answer of Go sumdb/note)', () => {
  it('derives the same key id and verifier key from the private key', () => {
    const signer = parsePrivateKey(SKEY);
    expect(formatVerifierKey(signer.name, signer.publicKey)).toBe(VKEY);
    expect(formatPrivateKey(signer)).toBe(SKEY);
  });

  it('signs the text to exactly the published signature line', () => {
    expect(signNote(TEXT, parsePrivateKey(SKEY))).toBe(`${TEXT}\n${SIG_LINE}`);
  });

  it('opens the note, ignores unknown signers, refuses a bad known signature', () => {
    const verifier = parseVerifierKey(VKEY);
    const note = `${TEXT}\n${SIG_LINE}`;
    expect(openNote(note, [verifier]).text).toBe(TEXT);
    const witness = generateSigner('witness.example');
    const cosigned = signNote(TEXT, parsePrivateKey(SKEY), witness);
    expect(openNote(cosigned, [verifier]).verifiedBy).toEqual(['PeterNeumann']);
    expect(() =>
      openNote(note, [parseVerifierKey(formatVerifierKey(witness.name, witness.publicKey))]),
    ).toThrow(/no valid signature/);
    expect(() => openNote(note.replace('cryptography', 'cryptographY'), [verifier])).toThrow(
      /invalid signature/,
    );
  });

  it('refuses malformed keys', () => {
    expect(() =>
      parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow();
    expect(() => parseVerifierKey('bad')).toThrow();
    expect(() => parsePrivateKey(SKEY.replace('c74f20a3', '00000000'))).toThrow();
  });
});

describe('checkpoints and receipts', () => {
  const signer = generateSigner('trace-ledger.test/log');
  const verifier = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
  const tree = new MerkleTree();
  const entries = Array.from({ length: 13 }, (_, i) => Buffer.from(`{"i":${i}}`));
  entries.forEach((e) => tree.append(leafHash(e)));
  const note = signCheckpoint({ origin: signer.name, size: 13, root: tree.root() }, signer);

  it('formats the C2SP body and parses it back strictly', () => {
    const body = formatCheckpointBody({ origin: 'o', size: 13, root: tree.root() });
    expect(body).toBe(`o\n13\n${tree.root().toString('base64')}\n`);
    expect(parseCheckpointBody(body).size).toBe(13);
    expect(() => parseCheckpointBody(body.replace('\n13\n', '\n013\n'))).toThrow(/tree size/);
    expect(openCheckpoint(note, [verifier]).root.equals(tree.root())).toBe(true);
  });

  it('a tlog-proof@v1 receipt verifies offline, and any change to it fails', () => {
    const text = formatReceipt({ index: 5, inclusion: tree.inclusionProof(5), checkpoint: note });
    expect(text.startsWith('c2sp.org/tlog-proof@v1\nindex 5\n')).toBe(true);
    expect(parseReceipt(text).inclusion).toHaveLength(tree.inclusionProof(5).length);
    expect(
      verifyReceipt({ receiptText: text, entryBytes: entries[5], verifiers: [verifier] }).index,
    ).toBe(5);
    expect(() =>
      verifyReceipt({ receiptText: text, entryBytes: entries[6], verifiers: [verifier] }),
    ).toThrow();
    expect(() =>
      verifyReceipt({
        receiptText: text.replace('index 5', 'index 6'),
        entryBytes: entries[5],
        verifiers: [verifier],
      }),
    ).toThrow();
    const json = {
      index: 5,
      entry: entries[5].toString('base64'),
      inclusion: tree.inclusionProof(5).map((h) => h.toString('base64')),
      checkpoint: note,
    };
    expect(verifyReceiptJson(json, [verifier]).size).toBe(13);
    expect(() =>
      verifyReceiptJson({ ...json, entry: entries[4].toString('base64') }, [verifier]),
    ).toThrow();
  });
});
