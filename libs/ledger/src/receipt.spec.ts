import { signCheckpoint } from './checkpoint';
import { leafHash } from './merkle-hash';
import { MerkleTree } from './merkle-tree';
import { ProofError } from './merkle-verify';
import {
  formatReceipt,
  formatReceiptJson,
  parseReceipt,
  parseReceiptJson,
  ReceiptError,
  TLOG_PROOF_HEADER,
  verifyReceipt,
  verifyReceiptJson,
} from './receipt';
import { formatVerifierKey, generateSigner, NoteError, parseVerifierKey } from './signed-note';

// The example of c2sp.org/tlog-proof (its signatures are elided with [...] in the spec).
const C2SP_PROOF = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

\u2014 example.com/fancylog hI2DJw[...]1roloI=
\u2014 witness1.example mJirIklj[...]qY9v2B/5bg==
`;

const log = generateSigner('example.com/trace-ledger');
const verifiers = [parseVerifierKey(formatVerifierKey(log.name, log.publicKey))];
const entries = Array.from({ length: 13 }, (_, i) => Buffer.from(`{"index":${i},"v":1}`));
const tree = MerkleTree.fromLeafHashes(entries.map(leafHash));
const checkpoint = signCheckpoint({ origin: log.name, size: 13, root: tree.root() }, log);
const receiptOf = (index: number) =>
  formatReceipt({ index, inclusion: tree.inclusionProof(index), checkpoint });

describe('tlog-proof@v1 text', () => {
  it('parses the C2SP example', () => {
    const parts = parseReceipt(C2SP_PROOF);
    expect(parts.index).toBe(73894);
    expect(parts.inclusion.map((h) => h.toString('base64'))).toEqual(
      C2SP_PROOF.split('\n').slice(3, 8),
    );
    expect(parts.extra?.subarray(0, 30).toString()).toBe('age-v1.2.1-darwin-arm64.tar.gz');
    expect(parts.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    expect(formatReceipt(parts)).toBe(C2SP_PROOF);
  });

  it('formats header, index, hashes, a blank line and the checkpoint verbatim', () => {
    const proof = tree.inclusionProof(5);
    expect(receiptOf(5)).toBe(
      `${TLOG_PROOF_HEADER}\nindex 5\n` +
        proof.map((h) => `${h.toString('base64')}\n`).join('') +
        `\n${checkpoint}`,
    );
    const withExtra = formatReceipt({
      index: 5,
      inclusion: proof,
      checkpoint,
      extra: Buffer.from('x'),
    });
    expect(withExtra.startsWith(`${TLOG_PROOF_HEADER}\nextra eA==\nindex 5\n`)).toBe(true);
    expect(parseReceipt(withExtra).extra?.toString()).toBe('x');
  });

  it('handles the proof of a one-leaf tree, which has no hashes', () => {
    const one = MerkleTree.fromLeafHashes([leafHash(entries[0])]);
    const cp = signCheckpoint({ origin: log.name, size: 1, root: one.root() }, log);
    const text = formatReceipt({ index: 0, inclusion: [], checkpoint: cp });
    expect(text.startsWith(`${TLOG_PROOF_HEADER}\nindex 0\n\n`)).toBe(true);
    expect(verifyReceipt({ receiptText: text, entryBytes: entries[0], verifiers }).size).toBe(1);
  });

  it.each([
    ['another header', C2SP_PROOF.replace('@v1', '@v2')],
    ['no index', C2SP_PROOF.replace('index 73894\n', '')],
    ['an index with a leading zero', C2SP_PROOF.replace('index 73894', 'index 073894')],
    ['a negative index', C2SP_PROOF.replace('index 73894', 'index -1')],
    [
      'extra after the index',
      C2SP_PROOF.replace(/^(.*)\n(extra .*)\n(index .*)\n/, '$1\n$3\n$2\n'),
    ],
    ['extra that is not base64', C2SP_PROOF.replace('extra YWdl', 'extra !Wdl')],
    [
      'a hash that is not 32 bytes',
      C2SP_PROOF.replace('gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=', 'gSKy'),
    ],
    ['a hash with a space', C2SP_PROOF.replace('gSKyXo', 'gSKy Xo')],
    ['no checkpoint', C2SP_PROOF.slice(0, C2SP_PROOF.indexOf('\n\n') + 2)],
    ['no blank line', C2SP_PROOF.replace('\n\n', '\n')],
  ])('refuses %s', (_what, text) => {
    expect(() => parseReceipt(text)).toThrow(ReceiptError);
  });
});

describe('verifying receipts', () => {
  it('verifies the receipt of every entry from its bytes alone', () => {
    for (let i = 0; i < 13; i++) {
      const v = verifyReceipt({ receiptText: receiptOf(i), entryBytes: entries[i], verifiers });
      expect([v.index, v.size, v.origin]).toEqual([i, 13, log.name]);
      expect(v.root.equals(tree.root())).toBe(true);
      expect(v.leafHash.equals(leafHash(entries[i]))).toBe(true);
    }
  });

  it('fails for another entry, another index or a changed proof', () => {
    const text = receiptOf(5);
    const check = (receiptText: string, entryBytes = entries[5]) =>
      verifyReceipt({ receiptText, entryBytes, verifiers });
    expect(() => check(text, entries[6])).toThrow(ProofError);
    expect(() => check(text, Buffer.concat([entries[5], Buffer.from(' ')]))).toThrow(ProofError);
    expect(() => check(text.replace('index 5', 'index 6'))).toThrow(ProofError);
    const [first] = tree.inclusionProof(5);
    const other = Buffer.from(first);
    other[0] ^= 1;
    expect(() => check(text.replace(first.toString('base64'), other.toString('base64')))).toThrow(
      ProofError,
    );
    expect(() => check(text.replace(`${first.toString('base64')}\n`, ''))).toThrow(/proof size/);
  });

  it('fails when the checkpoint is not signed by a trusted key or not the expected log', () => {
    const text = receiptOf(5);
    const stranger = [parseVerifierKey(formatVerifierKey('x', generateSigner('x').publicKey))];
    expect(() =>
      verifyReceipt({ receiptText: text, entryBytes: entries[5], verifiers: stranger }),
    ).toThrow(NoteError);
    expect(() =>
      verifyReceipt({
        receiptText: text.replace('\n13\n', '\n12\n'),
        entryBytes: entries[5],
        verifiers,
      }),
    ).toThrow(/invalid signature/);
    expect(() =>
      verifyReceipt({ receiptText: text, entryBytes: entries[5], verifiers, origin: 'other' }),
    ).toThrow(/origin/);
    expect(
      verifyReceipt({ receiptText: text, entryBytes: entries[5], verifiers, origin: log.name })
        .index,
    ).toBe(5);
  });

  it('never takes a proof for a root the checkpoint does not sign', () => {
    // A proof that is right for a bigger tree, with the signed checkpoint of 13 leaves.
    const bigger = MerkleTree.fromLeafHashes([...entries, Buffer.from('x')].map(leafHash));
    const text = formatReceipt({ index: 5, inclusion: bigger.inclusionProof(5), checkpoint });
    expect(() => verifyReceipt({ receiptText: text, entryBytes: entries[5], verifiers })).toThrow(
      ProofError,
    );
  });
});

describe('JSON receipts', () => {
  const json = formatReceiptJson({
    index: 7,
    entry: entries[7],
    inclusion: tree.inclusionProof(7),
    checkpoint,
  });

  it('carries the entry, the proof and the checkpoint, and verifies', () => {
    expect(Object.keys(json).sort()).toEqual(['checkpoint', 'entry', 'inclusion', 'index']);
    const v = verifyReceiptJson(JSON.parse(JSON.stringify(json)), verifiers);
    expect(v.index).toBe(7);
    expect(v.entry.equals(entries[7])).toBe(true);
    expect(parseReceiptJson(json).inclusion).toHaveLength(4);
  });

  it('recomputes the leaf hash: a supplied one is never used, and must agree if present', () => {
    const withLeaf = { ...json, leafHash: leafHash(entries[7]).toString('base64') };
    expect(verifyReceiptJson(withLeaf, verifiers).index).toBe(7);
    // The right proof for entry 8, presented with entry 7 and entry 8's leaf hash.
    const lying = {
      ...json,
      leafHash: leafHash(entries[8]).toString('base64'),
      index: 8,
      inclusion: tree.inclusionProof(8).map((h) => h.toString('base64')),
    };
    expect(() => verifyReceiptJson(lying, verifiers)).toThrow(ProofError);
    const wrongLeaf = { ...json, leafHash: leafHash(entries[8]).toString('base64') };
    expect(() => verifyReceiptJson(wrongLeaf, verifiers)).toThrow(/leafHash/);
  });

  it.each<[string, unknown]>([
    ['another entry', { ...json, entry: entries[6].toString('base64') }],
    ['an index as text', { ...json, index: '7' }],
    ['a missing checkpoint', { ...json, checkpoint: undefined }],
    ['an entry that is not base64', { ...json, entry: '{"index":7}' }],
    ['a short hash', { ...json, inclusion: [...json.inclusion.slice(1), 'AAAA'] }],
    ['hashes that are not a list', { ...json, inclusion: json.inclusion.join(',') }],
    ['not an object', [json]],
    ['null', null],
  ])('refuses %s', (_what, value) => {
    expect(() => verifyReceiptJson(value, verifiers)).toThrow();
  });
});
