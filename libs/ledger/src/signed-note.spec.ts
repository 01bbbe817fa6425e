import {
  formatPrivateKey,
  formatVerifierKey,
  generateSigner,
  isValidKeyName,
  keyId,
  MAX_NOTE_SIGNATURES,
  NoteError,
  openNote,
  parsePrivateKey,
  parseVerifierKey,
  signerFromSeed,
  signNote,
} from './signed-note';

// Known answers of golang.org/x/mod/sumdb/note (note_test.go).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_B64 =
  'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const ENOCH_B64 =
  'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const PETER_SIG = `\u2014 PeterNeumann ${PETER_B64}\n`;
const ENOCH_SIG = `\u2014 EnochRoot ${ENOCH_B64}\n`;

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

describe('keys (Go sumdb/note compatible)', () => {
  it('derives the published key ID, verifier key and private key text', () => {
    const signer = parsePrivateKey(PETER_SKEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyId.toString('hex')).toBe('c74f20a3');
    expect(keyId('PeterNeumann', signer.publicKey).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey(signer.name, signer.publicKey)).toBe(PETER_VKEY);
    expect(formatPrivateKey(signer)).toBe(PETER_SKEY);
    expect(peter.publicKey.equals(signer.publicKey)).toBe(true);
  });

  it('imports raw Ed25519 seeds correctly (RFC 8032 §7.1 test 1)', () => {
    const seed = Buffer.from(
      '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      'hex',
    );
    const signer = signerFromSeed('rfc8032', seed);
    expect(signer.publicKey.toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(signer.sign(Buffer.alloc(0)).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac' +
        'c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('refuses every truncation and every one-byte change of the verifier key', () => {
    const accepted: string[] = [];
    const tryKey = (k: string) => {
      try {
        parseVerifierKey(k);
        accepted.push(k);
      } catch (err) {
        expect(err).toBeInstanceOf(NoteError);
      }
    };
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i !== 0 || j !== PETER_VKEY.length) tryKey(PETER_VKEY.slice(i, j));
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const c = String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1);
      tryKey(PETER_VKEY.slice(0, i) + c + PETER_VKEY.slice(i + 1));
    }
    // Wrong key length and unknown algorithm, each with a matching key ID (from Go's tests).
    tryKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
    tryKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(accepted).toEqual([]);
  });

  it('refuses every truncation and every one-byte change of the private key', () => {
    const accepted: string[] = [];
    const tryKey = (k: string) => {
      try {
        parsePrivateKey(k);
        accepted.push(k);
      } catch (err) {
        expect(err).toBeInstanceOf(NoteError);
      }
    };
    for (let i = 0; i <= PETER_SKEY.length; i++) {
      for (let j = i + 1; j <= PETER_SKEY.length; j++) {
        if (i !== 0 || j !== PETER_SKEY.length) tryKey(PETER_SKEY.slice(i, j));
      }
    }
    for (let i = 0; i < PETER_SKEY.length; i++) {
      const c = String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1);
      tryKey(PETER_SKEY.slice(0, i) + c + PETER_SKEY.slice(i + 1));
    }
    expect(accepted).toEqual([]);
  });

  it('accepts surrounding whitespace (keys come from files) and upper-case key IDs, like Go', () => {
    expect(parseVerifierKey(` ${PETER_VKEY}\n`).name).toBe('PeterNeumann');
    expect(parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')).keyId.toString('hex')).toBe(
      'c74f20a3',
    );
  });

  it('applies the C2SP key name rule', () => {
    for (const good of ['PeterNeumann', 'example.com/log42', 'log\u00e9', 'a']) {
      expect(isValidKeyName(good)).toBe(true);
    }
    for (const bad of [
      '',
      'a b',
      'a+b',
      'a\tb',
      'a\nb',
      'a\u00a0b',
      'a\u3000b',
      'a\u0001',
      '\ud800',
    ]) {
      expect(isValidKeyName(bad)).toBe(false);
    }
    expect(() => generateSigner('bad name')).toThrow(NoteError);
    expect(() => formatVerifierKey('a+b', peter.publicKey)).toThrow(NoteError);
  });

  it('generates working key pairs whose texts round-trip', () => {
    const signer = generateSigner('example.com/log');
    const again = parsePrivateKey(formatPrivateKey(signer));
    expect(again.publicKey.equals(signer.publicKey)).toBe(true);
    const verifier = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
    const sig = signer.sign(Buffer.from('hi'));
    expect(verifier.verify(Buffer.from('hi'), sig)).toBe(true);
    expect(verifier.verify(Buffer.from('hj'), sig)).toBe(false);
    sig[0] ^= 1;
    expect(verifier.verify(Buffer.from('hi'), sig)).toBe(false);
    expect(verifier.verify(Buffer.from('hi'), sig.subarray(1))).toBe(false);
  });
});

describe('signing notes', () => {
  it('signs the text to exactly the published signature line', () => {
    expect(signNote(TEXT, parsePrivateKey(PETER_SKEY))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('signs with several keys, one line each, in order', () => {
    const witness = generateSigner('witness.example');
    const note = signNote(TEXT, parsePrivateKey(PETER_SKEY), witness);
    expect(note.startsWith(`${TEXT}\n${PETER_SIG}\u2014 witness.example `)).toBe(true);
  });

  it('signs texts with blank lines, which C2SP allows', () => {
    const signer = generateSigner('poet');
    const text = 'Ognuno sta solo sul cuor della terra\n\ned \u00e8 subito sera.\n';
    const verifier = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
    expect(openNote(signNote(text, signer), [verifier]).text).toBe(text);
  });

  it('refuses texts a verifier could not open', () => {
    const signer = generateSigner('s');
    expect(() => signNote('no final newline', signer)).toThrow(/newline/);
    expect(() => signNote('tab\there\n', signer)).toThrow(/control/);
    expect(() => signNote('\ud800\n', signer)).toThrow(/Unicode/);
    expect(() => signNote(TEXT)).toThrow(/at least one signer/);
  });
});

describe('opening notes (cases of Go sumdb/note TestOpen)', () => {
  const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

  it('verifies the trusted signature and lists the unknown one', () => {
    const opened = openNote(note, [peter]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verifiedBy).toEqual(['PeterNeumann']);
    expect(opened.signatures.map((s) => [s.name, s.keyId.toString('hex'), s.base64])).toEqual([
      ['PeterNeumann', 'c74f20a3', PETER_B64],
    ]);
    expect(opened.unverified.map((s) => [s.name, s.keyId.toString('hex'), s.base64])).toEqual([
      ['EnochRoot', 'af0cfe78', ENOCH_B64],
    ]);
  });

  it('verifies both when both keys are trusted, from text or from bytes', () => {
    expect(openNote(note, [peter, enoch]).verifiedBy).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(openNote(Buffer.from(note, 'utf8'), [enoch, peter]).unverified).toEqual([]);
  });

  it('refuses a note without a signature by a trusted key', () => {
    expect(() => openNote(note, [])).toThrow('note has no valid signature by a trusted key');
    const misnamed = `${TEXT}\n${PETER_SIG.replace('PeterNeumann', 'CarmenSandiego')}`;
    expect(() => openNote(misnamed, [peter])).toThrow(/no valid signature/);
    // Same name, other key: a different key ID, so an unknown key, never a failing one.
    const other = generateSigner('PeterNeumann');
    expect(() => openNote(signNote(TEXT, other), [peter])).toThrow(/no valid signature/);
  });

  it('refuses ambiguous trusted keys only when they are used', () => {
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow(
      'ambiguous verifier keys for EnochRoot+af0cfe78',
    );
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verifiedBy).toEqual([
      'PeterNeumann',
    ]);
  });

  it(`refuses more than ${MAX_NOTE_SIGNATURES} signatures`, () => {
    const many = `${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`;
    expect(() => openNote(many, [peter])).toThrow(/more than 100 signatures/);
    expect(() => openNote(many, [])).toThrow(/more than 100 signatures/);
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(16)}`, [peter]).signatures).toHaveLength(1);
  });

  it('refuses the whole note when a trusted key signature is invalid', () => {
    const bad = PETER_B64.slice(0, 43) + 'ABCD' + PETER_B64.slice(43);
    expect(() => openNote(`${TEXT}\n\u2014 PeterNeumann ${bad}\n`, [peter])).toThrow(
      'invalid signature by PeterNeumann+c74f20a3',
    );
    expect(() => openNote(`${TEXT.replace('problem', 'Problem')}\n${PETER_SIG}`, [peter])).toThrow(
      /invalid signature/,
    );
  });

  it('drops repeated signatures, verified and unverified', () => {
    const enochAbcd = ENOCH_B64.slice(0, 43) + 'ABCD' + ENOCH_B64.slice(43);
    const msg =
      `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}` +
      `\u2014 EnochRoot ${enochAbcd}\n`;
    const opened = openNote(msg, [peter]);
    expect(opened.signatures.map((s) => s.base64)).toEqual([PETER_B64]);
    expect(opened.unverified.map((s) => s.base64)).toEqual([ENOCH_B64, enochAbcd]);
  });

  it.each([
    ['no signature block', TEXT],
    ['an empty signature block', `${TEXT}\n`],
    ['a last line without newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['a control character', `\u0001${TEXT}\n${PETER_SIG}`],
    ['a name with a space', `${TEXT}\n\u2014 Bad Name ${PETER_B64}\n`],
    ['a line that is not a signature', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ['a hyphen instead of an em dash', `${TEXT}\n${PETER_SIG.replace('\u2014', '-')}`],
    ['a short signature', `${TEXT}\n\u2014 PeterNeumann AAAAAA==\n`],
    ['non-canonical base64', `${TEXT}\n\u2014 PeterNeumann ${PETER_B64.replace('M=', 'N=')}\n`],
    ['a lone surrogate', `\ud800${TEXT}\n${PETER_SIG}`],
  ])('refuses a malformed note: %s', (_what, msg) => {
    expect(() => openNote(msg, [peter])).toThrow(NoteError);
    expect(() => openNote(msg, [peter])).toThrow(/malformed/);
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(() => openNote(bytes, [peter])).toThrow(/not valid UTF-8/);
  });
});
