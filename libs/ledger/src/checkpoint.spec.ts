import {
  formatCheckpointBody,
  openCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
} from './checkpoint';
import { EMPTY_ROOT, leafHash } from './merkle-hash';
import { formatVerifierKey, generateSigner, NoteError, parseVerifierKey } from './signed-note';

// The example of c2sp.org/tlog-checkpoint.
const C2SP_BODY =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

const root = leafHash(Buffer.from('some entry'));

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it('parses and re-formats the C2SP example byte for byte', () => {
    const cp = parseCheckpointBody(C2SP_BODY);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(cp.root.toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(cp.extensions).toBeUndefined();
    expect(formatCheckpointBody(cp)).toBe(C2SP_BODY);
  });

  it('formats origin, decimal size and base64 root, one per line', () => {
    expect(formatCheckpointBody({ origin: 'o', size: 0, root: EMPTY_ROOT })).toBe(
      'o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
    );
  });

  it('keeps extension lines after the root', () => {
    const body = `${C2SP_BODY}ext one\next two\n`;
    const cp = parseCheckpointBody(body);
    expect(cp.extensions).toEqual(['ext one', 'ext two']);
    expect(formatCheckpointBody(cp)).toBe(body);
  });

  it.each([
    ['a leading zero', C2SP_BODY.replace('\n20852163\n', '\n020852163\n')],
    ['a sign', C2SP_BODY.replace('\n20852163\n', '\n+20852163\n')],
    ['a negative size', C2SP_BODY.replace('\n20852163\n', '\n-1\n')],
    ['a fraction', C2SP_BODY.replace('\n20852163\n', '\n1.0\n')],
    ['spaces', C2SP_BODY.replace('\n20852163\n', '\n 20852163\n')],
    ['a size beyond 2^53', C2SP_BODY.replace('\n20852163\n', '\n9007199254740993\n')],
    ['an empty origin', C2SP_BODY.replace('example.com/behind-the-sofa', '')],
    ['no root', 'example.com/log\n1\n'],
    ['a 31-byte root', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a root without padding', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n'],
    ['non-canonical root base64', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n'],
    ['an empty extension line', `${C2SP_BODY}\next\n`],
    ['no final newline', C2SP_BODY.slice(0, -1)],
  ])('refuses %s', (_what, body) => {
    expect(() => parseCheckpointBody(body)).toThrow(NoteError);
  });

  it('refuses to format what it could not parse', () => {
    expect(() => formatCheckpointBody({ origin: '', size: 1, root })).toThrow(/origin/);
    expect(() => formatCheckpointBody({ origin: 'a\nb', size: 1, root })).toThrow(/origin/);
    expect(() => formatCheckpointBody({ origin: 'o', size: -1, root })).toThrow(/size/);
    expect(() => formatCheckpointBody({ origin: 'o', size: 2 ** 53, root })).toThrow(/size/);
    expect(() => formatCheckpointBody({ origin: 'o', size: 1, root: root.subarray(1) })).toThrow(
      /32 bytes/,
    );
    expect(() => formatCheckpointBody({ origin: 'o', size: 1, root, extensions: [''] })).toThrow(
      /extension/,
    );
  });
});

describe('signed checkpoints', () => {
  const log = generateSigner('example.com/log');
  const verifier = parseVerifierKey(formatVerifierKey(log.name, log.publicKey));
  const cp = { origin: 'example.com/log', size: 13, root };
  const note = signCheckpoint(cp, log);

  it('signs as a C2SP signed note whose text is the body', () => {
    expect(note.startsWith(`${formatCheckpointBody(cp)}\n\u2014 example.com/log `)).toBe(true);
    const opened = openCheckpoint(note, [verifier]);
    expect([opened.origin, opened.size, opened.root.equals(root)]).toEqual([cp.origin, 13, true]);
  });

  it('accepts witness cosignatures by unknown keys, and checks the origin when asked', () => {
    const cosigned = signCheckpoint(cp, log, generateSigner('witness.example'));
    expect(openCheckpoint(cosigned, [verifier], { origin: 'example.com/log' }).size).toBe(13);
    expect(() => openCheckpoint(note, [verifier], { origin: 'example.com/other' })).toThrow(
      /origin/,
    );
  });

  it('refuses a changed checkpoint and a checkpoint signed by another key', () => {
    expect(() => openCheckpoint(note.replace('\n13\n', '\n14\n'), [verifier])).toThrow(
      /invalid signature/,
    );
    const other = signCheckpoint(cp, generateSigner('example.com/log'));
    expect(() => openCheckpoint(other, [verifier])).toThrow(/no valid signature/);
  });

  it('refuses a validly signed note whose text is not a checkpoint', () => {
    const signed = signCheckpoint(cp, log).replace(formatCheckpointBody(cp), 'x\n');
    expect(() => openCheckpoint(signed, [verifier])).toThrow(NoteError);
  });
});
