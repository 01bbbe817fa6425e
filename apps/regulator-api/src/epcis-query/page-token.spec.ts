import { PageState, PageTokenCodec, PageTokenError } from './page-token';

const state: PageState = {
  fingerprint: 'query-a',
  snapshot: 1234,
  cursor: { idx: 77, key: '2026-06-01T02:00:00.123456Z' },
  returned: 60,
};
const now = new Date('2026-06-01T10:00:00Z');

describe('nextPageToken', () => {
  const codec = new PageTokenCodec('a server secret of enough length for the test', 600);

  it('round-trips the page state and says when it expires', () => {
    const { token, expiresAt } = codec.encode(state, now);
    expect(expiresAt.toISOString()).toBe('2026-06-01T10:10:00.000Z');
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(token, 'query-a', now)).toEqual(state);
    const ledgerOrder = { ...state, cursor: { idx: 5 } };
    expect(codec.decode(codec.encode(ledgerOrder, now).token, 'query-a', now)).toEqual(ledgerOrder);
  });

  it('is refused with another query', () => {
    const { token } = codec.encode(state, now);
    expect(() => codec.decode(token, 'query-b', now)).toThrow(/belongs to another query/);
  });

  it('is refused once expired', () => {
    const { token } = codec.encode(state, now);
    expect(() => codec.decode(token, 'query-a', new Date('2026-06-01T10:10:00Z'))).toThrow(
      /expired/,
    );
  });

  it('is refused when edited, forged, or issued under another secret', () => {
    const { token } = codec.encode(state, now);
    const [body, mac] = token.split('.');
    const edited = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace('"i":77', '"i":1'),
    ).toString('base64url');
    for (const bad of [
      `${edited}.${mac}`,
      `${body}.${mac.slice(0, -2)}AA`,
      body,
      `${token}.x`,
      'not-a-token',
      '',
      new PageTokenCodec('another secret of enough length for the test').encode(state, now).token,
    ]) {
      expect(() => codec.decode(bad, 'query-a', now)).toThrow(PageTokenError);
    }
  });
});
