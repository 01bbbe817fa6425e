import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@trace/config';
import { TRACE_JSONLD_CONTEXT } from '@trace/domain';
import { EPCIS_CONTEXT_URIS } from '@trace/epcis';
import { ProblemException } from '@trace/http';
import { parseEnvelope } from '@trace/ledger-store';
import { Clock } from '@trace/platform';
import { DataSource } from 'typeorm';
import { Gs1KeyCache } from './epcis-identifiers';
import { CandidateEntry, cursorOf, EpcisEntryReader } from './epcis-entry-reader';
import { eventMatches } from './epcis-event-filter';
import { inJsonBindingForm } from './epcis-json-binding';
import { EpcisQuery, parseEpcisQuery, QueryParameterError } from './epcis-query-parameters';
import { planQuery, QueryPlan } from './epcis-query-plan';
import { PageCursor, PageState, PageTokenCodec, PageTokenError } from './page-token';

/** Problem types of the EPCIS 2.0 REST binding. */
export const EPCIS_EXCEPTIONS = {
  queryParameter: 'epcisException:QueryParameterException',
  queryTooLarge: 'epcisException:QueryTooLargeException',
  noSuchResource: 'epcisException:NoSuchResourceException',
  security: 'epcisException:SecurityException',
  implementation: 'epcisException:ImplementationException',
} as const;

type Json = Record<string, unknown>;

export interface EpcisQueryAnswer {
  document: Json;
  query: EpcisQuery;
  /** Present when there are more events: the token of the next page and when it expires. */
  next?: { token: string; expiresAt: Date };
}

/** maxEventCount is checked by counting this many pages of up to COUNT_PAGE events at most. */
const COUNT_PAGES = 20;
const COUNT_PAGE = 1000;
/** Capture documents' @context kept in memory (a capture never changes once accepted). */
const CONTEXT_CACHE_SIZE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parameterProblem(detail: string): ProblemException {
  return new ProblemException('VALIDATION_FAILED', detail, {
    type: EPCIS_EXCEPTIONS.queryParameter,
  });
}

/**
 * The EPCIS 2.0 query interface over the ledger: `event` entries only (alert entries are
 * refused attempts, not events), each answered as the EPCIS event that was captured, with
 * the ledger's record time.
 */
@Injectable()
export class EpcisQueryService {
  private readonly reader: EpcisEntryReader;
  private readonly tokens: PageTokenCodec;
  private readonly captureContexts = new Map<string, unknown[]>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(appConfig.KEY) cfg: AppConfig,
    private readonly clock: Clock,
  ) {
    this.reader = new EpcisEntryReader(dataSource);
    this.tokens = new PageTokenCodec(cfg.auth.jwtSecret);
  }

  async query(pairs: [string, string][]): Promise<EpcisQueryAnswer> {
    let query: EpcisQuery;
    try {
      query = parseEpcisQuery(pairs);
    } catch (err) {
      if (err instanceof QueryParameterError) throw parameterProblem(err.message);
      throw err;
    }
    const now = this.clock.now();
    const plan = planQuery(query);
    let state: PageState;
    if (query.nextPageToken) {
      try {
        state = this.tokens.decode(query.nextPageToken, query.fingerprint, now);
      } catch (err) {
        if (err instanceof PageTokenError) throw parameterProblem(err.message);
        throw err;
      }
    } else {
      state = {
        fingerprint: query.fingerprint,
        snapshot: await this.reader.ledgerSize(),
        cursor: { idx: -1 },
        returned: 0,
      };
      if (query.maxEventCount !== undefined) await this.checkMaxEventCount(query, plan, state);
    }
    const after = query.nextPageToken ? state.cursor : undefined;
    const remaining =
      query.eventCountLimit === undefined ? Infinity : query.eventCountLimit - state.returned;
    const limit = Math.max(0, Math.min(query.perPage, remaining));
    const page =
      limit > 0
        ? await this.page(query, plan, state.snapshot, after, limit)
        : { events: [], more: false, cursor: state.cursor };
    const returned = state.returned + page.events.length;
    const more = page.more && returned < (query.eventCountLimit ?? Infinity);
    return {
      query,
      document: this.queryDocument(await this.withContexts(page.events)),
      ...(more
        ? {
            next: this.tokens.encode({ ...state, cursor: page.cursor, returned }, this.clock.now()),
          }
        : {}),
    };
  }

  async event(eventId: string): Promise<Json> {
    const found = await this.reader.eventById(eventId);
    if (!found) {
      throw new ProblemException('NOT_FOUND', `No EPCIS event ${eventId} in the ledger`, {
        type: EPCIS_EXCEPTIONS.noSuchResource,
      });
    }
    return this.queryDocument(await this.withContexts([decodeEvent(found)]));
  }

  /**
   * One page: candidate entries from SQL, decoded and checked exactly, until `limit` events
   * match. `more` says whether the query may have events after `cursor`.
   */
  private async page(
    query: EpcisQuery,
    plan: QueryPlan,
    snapshot: number,
    after: PageCursor | undefined,
    limit: number,
  ): Promise<{ events: DecodedEvent[]; more: boolean; cursor: PageCursor }> {
    const { entries, windowEnd } = await this.reader.candidates(
      plan,
      query,
      snapshot,
      after,
      limit + 1,
    );
    // Where the reader's look ended: at its last entry when it hit the limit, at the end of
    // its scan window, or nowhere (the ledger has nothing more for this query).
    const lookedUpTo =
      entries.length === limit + 1 ? cursorOf(entries[entries.length - 1]) : windowEnd;
    const keys = new Gs1KeyCache();
    const events: DecodedEvent[] = [];
    let lastKept = -1;
    for (let n = 0; n < entries.length; n++) {
      const event = decodeEvent(entries[n]);
      if (!eventMatches(query, event.epcis, keys)) continue;
      if (events.length === limit) {
        // A match beyond a full page: the next page starts after the page's last event.
        return { events, more: true, cursor: cursorOf(entries[lastKept]) };
      }
      events.push(event);
      lastKept = n;
    }
    // Every entry in hand was looked at: resume after the furthest one, if there may be more.
    return lookedUpTo
      ? { events, more: true, cursor: lookedUpTo }
      : { events, more: false, cursor: after ?? { idx: -1 } };
  }

  /**
   * maxEventCount: the query must not have more events than that, else QueryTooLargeException.
   * Counted page by page; a query too broad to count within COUNT_PAGES pages is refused the
   * same way (the standard lets a repository refuse any query as too large).
   */
  private async checkMaxEventCount(query: EpcisQuery, plan: QueryPlan, state: PageState) {
    const max = query.maxEventCount as number;
    let cursor: PageCursor | undefined;
    let count = 0;
    for (let round = 0; round < COUNT_PAGES; round++) {
      const page = await this.page(query, plan, state.snapshot, cursor, COUNT_PAGE);
      count += page.events.length;
      if (count > max) {
        throw this.tooLarge(`The query matches more than maxEventCount=${max} events`);
      }
      if (!page.more) return;
      cursor = page.cursor;
    }
    throw this.tooLarge(
      `The query is too broad to check maxEventCount=${max}: narrow it (time range, EPCs, lots)`,
    );
  }

  private tooLarge(detail: string) {
    return new ProblemException('PAYLOAD_TOO_LARGE', detail, {
      type: EPCIS_EXCEPTIONS.queryTooLarge,
    });
  }

  /**
   * Namespace prefixes an event's capture document declared (its extension fields use them):
   * the ledger keeps the event, not the document's @context, so it is read from the capture.
   */
  private async withContexts(events: DecodedEvent[]): Promise<Json[]> {
    const wanted = new Set(
      events.map((e) => e.captureId).filter((id): id is string => !!id && UUID.test(id)),
    );
    const missing = [...wanted].filter((id) => !this.captureContexts.has(id));
    if (missing.length > 0) {
      const found = await this.reader.captureContexts(missing);
      for (const id of missing) {
        if (this.captureContexts.size >= CONTEXT_CACHE_SIZE) {
          this.captureContexts.delete(this.captureContexts.keys().next().value as string);
        }
        this.captureContexts.set(id, extraContext(found.get(id)));
      }
    }
    return events.map((e) => {
      const epcis = inJsonBindingForm(e.epcis);
      const extra = (e.captureId && this.captureContexts.get(e.captureId)) || [];
      return extra.length > 0 ? { '@context': extra, ...epcis } : epcis;
    });
  }

  private queryDocument(events: Json[]): Json {
    return {
      '@context': [EPCIS_CONTEXT_URIS[0], { ...TRACE_JSONLD_CONTEXT }],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: this.clock.now().toISOString(),
      epcisBody: {
        queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: events } },
      },
    };
  }
}

interface DecodedEvent {
  epcis: Json;
  captureId?: string;
}

/** The EPCIS event of an entry, with the record time the ledger gave it. */
function decodeEvent(entry: CandidateEntry): DecodedEvent {
  const envelope = parseEnvelope(entry.entry);
  const epcis: Json = { ...envelope.epcis };
  if (epcis.eventID === undefined) epcis.eventID = envelope.eventId;
  if (epcis.eventTime === undefined) epcis.eventTime = envelope.eventTime;
  // recordTime is the repository's to set: when the ledger recorded the event.
  epcis.recordTime = envelope.recordTime;
  return { epcis, captureId: envelope.refs?.captureId };
}

/** A document's @context without the EPCIS context itself (the query document's own). */
function extraContext(context: unknown): unknown[] {
  const entries = context === undefined || context === null ? [] : [context].flat();
  return entries.filter(
    (entry) =>
      !(typeof entry === 'string' && (EPCIS_CONTEXT_URIS as readonly string[]).includes(entry)),
  );
}
