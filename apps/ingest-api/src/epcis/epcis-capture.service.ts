import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@trace/auth';
import { AppConfig, appConfig } from '@trace/config';
import { validateEpcisDocument } from '@trace/epcis';
import { ProblemException } from '@trace/http';
import { canonicalize, CanonicalJsonError } from '@trace/ledger';
import { derivedEventId, LedgerEventInput } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { CaptureError, CaptureInbox, ErrorBehaviour } from '../capture/capture-inbox';
import { CaptureSubmissionService } from '../capture/capture-submission.service';
import { IngestMasterData } from '../capture/ingest-master-data';
import { mapEpcisEvent } from './epcis-event-mapper';

/** The GS1 REST binding's problem type for a document the schema refuses. */
export const EPCIS_VALIDATION_EXCEPTION = 'epcisException:ValidationException';

export interface CaptureAccepted {
  captureID: string;
  accepted: number;
  errors: CaptureError[];
}

type Json = Record<string, unknown>;

/**
 * POST /epcis/capture: validate the document (class-validator DTOs of @trace/epcis), turn
 * each event into a ledger event, and accept it as a capture job. Under `rollback` (the
 * default) the capture is all or nothing, at ingest and in the ledger (one atomic group);
 * under `proceed` every good event goes ahead and the others are reported in the job.
 */
@Injectable()
export class EpcisCaptureService {
  constructor(
    private readonly masterData: IngestMasterData,
    private readonly inbox: CaptureInbox,
    private readonly submission: CaptureSubmissionService,
    @Inject(appConfig.KEY) private readonly cfg: AppConfig,
  ) {}

  async capture(
    body: unknown,
    behaviour: ErrorBehaviour,
    principal: Principal,
  ): Promise<CaptureAccepted> {
    const validation = validateEpcisDocument(body);
    if (!validation.valid) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        `The EPCIS document is invalid: ${validation.errors
          .slice(0, 3)
          .map((e) => `${e.path}: ${e.message}`)
          .join(
            '; ',
          )}${validation.errors.length > 3 ? ` (and ${validation.errors.length - 3} more)` : ''}`,
        { type: EPCIS_VALIDATION_EXCEPTION, errors: validation.errors.slice(0, 100) },
      );
    }
    const events = validation.events;
    if (events.length === 0) {
      throw new ProblemException('VALIDATION_FAILED', 'The EPCIS document holds no event', {
        type: EPCIS_VALIDATION_EXCEPTION,
      });
    }
    if (events.length > this.cfg.ingest.captureMaxEvents) {
      throw new ProblemException(
        'PAYLOAD_TOO_LARGE',
        `A capture may hold ${this.cfg.ingest.captureMaxEvents} events; this one holds ${events.length}`,
        { type: 'epcisException:CaptureLimitExceededException' },
      );
    }

    const captureId = randomUUID();
    const errors: CaptureError[] = [];
    const ids: string[] = [];
    for (let index = 0; index < events.length; index++) {
      const given = events[index].eventID;
      try {
        // The ledger stores what JCS can keep exactly; refuse the rest here, not in a batch.
        const canonical = canonicalize(events[index]);
        // Without an eventID: derived from the sender and the canonical event, so a re-sent
        // document maps to the same ids and is recognised as a duplicate.
        ids.push(typeof given === 'string' ? given : derivedEventId(principal.org, canonical));
      } catch (err) {
        if (!(err instanceof CanonicalJsonError)) throw err;
        ids.push(typeof given === 'string' ? given : `#${index}`);
        errors.push({ index, code: 'VALIDATION_FAILED', detail: err.message });
      }
    }
    this.refuseDuplicates(ids, errors, behaviour, await this.inbox.knownEventIds(ids));

    const refused = new Set(errors.map((e) => e.index));
    const locations = await this.masterData.locations(locationIds(events));
    const mapped: { index: number; event: LedgerEventInput }[] = [];
    const atomicGroup = behaviour === 'rollback' ? captureId : undefined;
    for (let index = 0; index < events.length; index++) {
      if (refused.has(index)) continue;
      const result = mapEpcisEvent({
        event: events[index],
        eventId: ids[index],
        actor: principal,
        locationOf: (id) => locations.get(id)?.code,
        captureId,
        atomicGroup,
      });
      if (!result.ok) {
        errors.push({ index, eventID: ids[index], code: result.code, detail: result.detail });
        continue;
      }
      mapped.push({ index, event: result.event });
    }
    await this.completeUnits(mapped, errors);
    const failed = new Set(errors.map((e) => e.index));

    const accepted =
      behaviour === 'rollback' && errors.length > 0
        ? []
        : mapped.filter((m) => !failed.has(m.index)).map((m) => m.event);
    await this.submission.accept({
      captureId,
      kind: 'EPCIS',
      submittedBy: principal.sub,
      submittedOrg: principal.org,
      errorBehaviour: behaviour,
      document: body,
      events: accepted,
      errors: errors.sort((a, b) => (a.index ?? 0) - (b.index ?? 0)),
    });
    return { captureID: captureId, accepted: accepted.length, errors };
  }

  /**
   * An event id seen before (in the ledger, in a pending capture, or twice in this document)
   * is a duplicate: 409 under rollback, a job error under proceed.
   */
  private refuseDuplicates(
    ids: string[],
    errors: CaptureError[],
    behaviour: ErrorBehaviour,
    known: Set<string>,
  ) {
    const seen = new Set<string>();
    const duplicates: { index: number; eventID: string }[] = [];
    ids.forEach((id, index) => {
      if (known.has(id) || seen.has(id)) duplicates.push({ index, eventID: id });
      seen.add(id);
    });
    if (duplicates.length === 0) return;
    if (behaviour === 'rollback') {
      throw new ProblemException(
        'DUPLICATE_EVENT',
        `Event ${duplicates[0].eventID} was captured before${duplicates.length > 1 ? ` (and ${duplicates.length - 1} more)` : ''}`,
        {
          type: 'epcisException:ResourceAlreadyExistsException',
          eventIDs: duplicates.slice(0, 100).map((d) => d.eventID),
        },
      );
    }
    for (const d of duplicates) {
      errors.push({ ...d, code: 'DUPLICATE_EVENT', detail: 'captured before' });
    }
  }

  /** Known products only; a case or pallet named alone stands for the packs inside it. */
  private async completeUnits(
    mapped: { index: number; event: LedgerEventInput }[],
    errors: CaptureError[],
  ) {
    for (const m of mapped) {
      if (m.event.units.length === 0 && m.event.containers?.length) {
        for (const sscc of m.event.containers)
          m.event.units.push(...(await this.masterData.contents(sscc)));
        if (m.event.units.length === 0) {
          errors.push({
            index: m.index,
            eventID: m.event.eventId,
            code: 'PARENT_CONTAINS_UNKNOWN_CHILD',
            detail: `no known pack is inside ${m.event.containers.join(', ')}`,
          });
        }
      }
    }
    const products = await this.masterData.products(
      mapped.flatMap((m) => m.event.units.map((u) => u.gtin)),
    );
    for (const m of mapped) {
      const unknown = m.event.units.find((u) => !products.has(u.gtin));
      if (unknown) {
        errors.push({
          index: m.index,
          eventID: m.event.eventId,
          code: 'UNKNOWN_PRODUCT',
          detail: `GTIN ${unknown.gtin} is not in master data`,
        });
      }
    }
  }
}

function locationIds(events: Json[]): string[] {
  const ids: string[] = [];
  for (const e of events) {
    for (const key of ['bizLocation', 'readPoint']) {
      const id = (e[key] as Json | undefined)?.id;
      if (typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}
