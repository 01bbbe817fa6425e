import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * nextPageToken: opaque to clients, but no server state behind it. It carries where the last
 * page ended (a keyset cursor: the ordering value and ledger index of the last entry looked
 * at), the ledger size when the query started (later entries are left out, so pages never
 * shift under the client), how many events earlier pages returned (eventCountLimit), the
 * fingerprint of the query's parameters (a token is refused with any other query) and an
 * expiry; all under an HMAC, so a client can neither forge nor edit one.
 */

export interface PageCursor {
  /** Ledger index of the last entry looked at. */
  idx: number;
  /** Its ordering value (event or record time, ISO 8601 UTC with microseconds), if ordered by time. */
  key?: string;
}

export interface PageState {
  fingerprint: string;
  /** Ledger size when the first page was answered. */
  snapshot: number;
  cursor: PageCursor;
  /** Events the earlier pages returned. */
  returned: number;
}

interface Payload {
  f: string;
  s: number;
  i: number;
  k?: string;
  n: number;
  /** Expiry, Unix seconds. */
  x: number;
}

export class PageTokenError extends Error {}

const MAC_LENGTH = 24;

export class PageTokenCodec {
  private readonly key: Buffer;

  /** `secret`: a server secret; the key is derived from it for this use only. */
  constructor(
    secret: string,
    readonly ttlSeconds = 3600,
  ) {
    this.key = createHmac('sha256', secret).update('trace-ledger epcis nextPageToken v1').digest();
  }

  encode(state: PageState, now: Date): { token: string; expiresAt: Date } {
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + this.ttlSeconds) * 1000);
    const payload: Payload = {
      f: state.fingerprint,
      s: state.snapshot,
      i: state.cursor.idx,
      ...(state.cursor.key !== undefined ? { k: state.cursor.key } : {}),
      n: state.returned,
      x: expiresAt.getTime() / 1000,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${body}.${this.mac(body).toString('base64url')}`, expiresAt };
  }

  /** The state of a token issued for the query with this fingerprint. */
  decode(token: string, fingerprint: string, now: Date): PageState {
    const [body, mac, extra] = token.split('.');
    const foreign = () => new PageTokenError('nextPageToken is not a token this server issued');
    if (!body || !mac || extra !== undefined) throw foreign();
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw foreign();
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      throw foreign();
    }
    if (payload.x * 1000 <= now.getTime()) {
      throw new PageTokenError('nextPageToken has expired: run the query again from its start');
    }
    if (payload.f !== fingerprint) {
      throw new PageTokenError(
        'nextPageToken belongs to another query: repeat the parameters of the query that issued it',
      );
    }
    return {
      fingerprint: payload.f,
      snapshot: payload.s,
      cursor: payload.k === undefined ? { idx: payload.i } : { idx: payload.i, key: payload.k },
      returned: payload.n,
    };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_LENGTH);
  }
}
