import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hasOversight, Principal } from '@trace/auth';
import { ProblemException } from '@trace/http';
import { DataSource } from 'typeorm';
import { CaptureError, CaptureInbox } from './capture-inbox';

/** GET /epcis/capture/{id} (GS1 capture job) and GET /v1/captures/{id}. */
export interface CaptureStatus {
  captureID: string;
  running: boolean;
  success: boolean;
  createdAt: string;
  finishedAt?: string;
  errorBehaviour: string;
  errors: CaptureError[];
  events: { eventID: string; ledgerIndex?: number; code?: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The refusal's words, from the alert entry's own bytes (the SQL json types choke on NUL). */
function refusalDetail(entry: Buffer | null): string | undefined {
  if (!entry) return undefined;
  const parsed = JSON.parse(entry.toString('utf8')) as { refusal?: { detail?: string } };
  return parsed.refusal?.detail;
}

/** What became of a capture, read from the ledger: sequenced, accepted or refused, per event. */
@Injectable()
export class CaptureStatusService {
  constructor(
    private readonly inbox: CaptureInbox,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async status(captureId: string, principal: Principal): Promise<CaptureStatus> {
    const capture = UUID.test(captureId) ? await this.inbox.find(captureId) : null;
    // Another organisation's capture is answered as missing: its existence is its business.
    if (!capture || (capture.submittedOrg !== principal.org && !hasOversight(principal))) {
      throw new ProblemException('NOT_FOUND', `No capture ${captureId}`);
    }
    const rows: {
      event_id: string;
      idx: string;
      entry_type: 'event' | 'alert';
      refusal_code: string | null;
      alert: Buffer | null;
      recorded_at: string;
    }[] =
      capture.eventIds.length === 0
        ? []
        : await this.db.query(
            `SELECT event_id, idx, entry_type, refusal_code,
                    CASE WHEN entry_type = 'alert' THEN entry END AS alert,
                    to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
               FROM ledger_entries WHERE event_id = ANY($1::text[])`,
            [capture.eventIds],
          );
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    const errors = [...capture.errors];
    let finishedAt = capture.sequencedAt ?? undefined;
    const events = capture.eventIds.map((eventID) => {
      const row = byId.get(eventID);
      if (!row) return { eventID };
      if (!finishedAt || row.recorded_at > finishedAt) finishedAt = row.recorded_at;
      if (row.entry_type === 'event') return { eventID, ledgerIndex: Number(row.idx) };
      const code = row.refusal_code ?? 'INVALID_STATE_TRANSITION';
      errors.push({ eventID, code, detail: refusalDetail(row.alert) ?? code });
      return { eventID, ledgerIndex: Number(row.idx), code };
    });
    const running = rows.length < capture.eventIds.length;
    if (!running && !capture.sequencedAt && finishedAt) {
      await this.inbox.markSequenced(capture.captureId, finishedAt);
    }
    return {
      captureID: capture.captureId,
      running,
      success: !running && errors.length === 0,
      createdAt: capture.createdAt,
      ...(running ? {} : { finishedAt: finishedAt ?? capture.createdAt }),
      errorBehaviour: capture.errorBehaviour,
      errors,
      events,
    };
  }
}
