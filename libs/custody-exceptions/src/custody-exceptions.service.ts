import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hasOversight, Principal } from '@trace/auth';
import { Page, ProblemException } from '@trace/http';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ExceptionFilter, exceptionFilterSql, ExceptionType } from './exception-filter';

/** Days an owner has to resolve an exception before it shows as overdue. */
export const EXCEPTION_DUE_DAYS = 5;

export interface NewException {
  type: ExceptionType;
  declarationNo?: string;
  shipmentId?: string;
  locationCode?: string;
  ownerOrg: string;
  units: { gtin: string; serial: string; lot?: string }[];
  detail: string;
  /** Ledger events written for it (the holds of a cold-chain excursion). */
  eventIds?: string[];
}

export interface ExceptionView {
  exceptionId: string;
  type: ExceptionType;
  declarationNo: string | null;
  shipmentId: string | null;
  locationCode: string | null;
  ownerOrg: string;
  openedBy: string;
  openedOrg: string;
  units: { gtin: string; serial: string; lot?: string }[];
  detail: string;
  openedAt: string;
  dueBy: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
  /** Open past its deadline. */
  overdue: boolean;
  /** Entries of the ledger events written for it, once the ledger holds them. */
  ledgerIndexes: number[];
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const COLUMNS = `exception_id, type, declaration_no, shipment_id, location_code, owner_org, opened_by, opened_org,
  units, detail, to_char(opened_at AT TIME ZONE 'UTC', ${ISO}) AS opened_at,
  to_char(due_by AT TIME ZONE 'UTC', ${ISO}) AS due_by,
  to_char(resolved_at AT TIME ZONE 'UTC', ${ISO}) AS resolved_at, resolved_by, resolution,
  (resolved_at IS NULL AND due_by < now()) AS overdue,
  ARRAY(SELECT le.idx FROM ledger_entries le WHERE le.event_id = ANY(event_ids) ORDER BY le.idx)
    AS ledger_indexes`;

function toView(r: Record<string, unknown>): ExceptionView {
  return {
    exceptionId: r.exception_id as string,
    type: r.type as ExceptionType,
    declarationNo: (r.declaration_no as string | null) ?? null,
    shipmentId: (r.shipment_id as string | null) ?? null,
    locationCode: (r.location_code as string | null) ?? null,
    ownerOrg: r.owner_org as string,
    openedBy: r.opened_by as string,
    openedOrg: r.opened_org as string,
    units: r.units as ExceptionView['units'],
    detail: r.detail as string,
    openedAt: r.opened_at as string,
    dueBy: r.due_by as string,
    resolvedAt: (r.resolved_at as string | null) ?? null,
    resolvedBy: (r.resolved_by as string | null) ?? null,
    resolution: (r.resolution as string | null) ?? null,
    overdue: r.overdue === true,
    ledgerIndexes: ((r.ledger_indexes as string[] | null) ?? []).map(Number),
  };
}

/**
 * Data exceptions with an owner and a deadline (domain.md §4, US practice): opened by the
 * bonded warehouse's receipts, counts and cold-chain checks and by hospitals' receipts, listed
 * for the organisations concerned, resolved by their owner with words that stay on record.
 * One table for both services: an exception concerns two organisations at once (who found it
 * and who must resolve it), so it belongs to neither.
 */
@Injectable()
export class CustodyExceptionsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async open(items: NewException[], principal: Principal): Promise<ExceptionView[]> {
    const out: ExceptionView[] = [];
    for (const e of items) {
      const rows: Record<string, unknown>[] = await this.db.query(
        `INSERT INTO custody_exceptions (exception_id, type, declaration_no, location_code, owner_org,
                                           opened_by, opened_org, units, detail, due_by, shipment_id, event_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json, $9, now() + make_interval(days => $10), $11, $12)
         RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          e.type,
          e.declarationNo ?? null,
          e.locationCode ?? null,
          e.ownerOrg,
          principal.sub,
          principal.org,
          JSON.stringify(e.units),
          e.detail,
          EXCEPTION_DUE_DAYS,
          e.shipmentId ?? null,
          e.eventIds ?? [],
        ],
      );
      out.push(toView(rows[0]));
    }
    return out;
  }

  /**
   * Exceptions the caller's organisation owns or found (every organisation's, for
   * oversight), oldest first, filtered and paged.
   */
  async list(principal: Principal, filter: ExceptionFilter): Promise<Page<ExceptionView>> {
    const { whereSql, params } = exceptionFilterSql(
      filter,
      hasOversight(principal) ? null : principal.org,
    );
    const counted: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM custody_exceptions ${whereSql}`,
      params,
    );
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM custody_exceptions ${whereSql}
        ORDER BY opened_at, exception_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.pageSize, (filter.page - 1) * filter.pageSize],
    );
    return {
      items: rows.map(toView),
      page: filter.page,
      pageSize: filter.pageSize,
      total: Number(counted[0].n),
    };
  }

  async resolve(exceptionId: string, resolution: string, principal: Principal) {
    const rows: Record<string, unknown>[] = /^[0-9a-f-]{36}$/i.test(exceptionId)
      ? await this.db.query(`SELECT ${COLUMNS} FROM custody_exceptions WHERE exception_id = $1`, [
          exceptionId,
        ])
      : [];
    const found = rows[0] && toView(rows[0]);
    if (!found || (found.ownerOrg !== principal.org && found.openedOrg !== principal.org)) {
      throw new ProblemException('NOT_FOUND', `No exception ${exceptionId}`);
    }
    // Only the owner resolves, oversight included: a regulator follows up, it does not close.
    if (found.ownerOrg !== principal.org) {
      throw new ProblemException(
        'FORBIDDEN',
        `Exception ${exceptionId} is ${found.ownerOrg}'s to resolve`,
      );
    }
    if (found.resolvedAt) {
      throw new ProblemException(
        'INVALID_STATE_TRANSITION',
        `Exception ${exceptionId} is resolved`,
      );
    }
    const updated: Record<string, unknown>[] = await this.db.query(
      `UPDATE custody_exceptions SET resolved_at = now(), resolved_by = $2, resolution = $3
        WHERE exception_id = $1 AND resolved_at IS NULL RETURNING ${COLUMNS}`,
      [exceptionId, principal.sub, resolution],
    );
    const row = Array.isArray(updated[0])
      ? (updated[0] as Record<string, unknown>[])[0]
      : updated[0];
    return toView(row);
  }
}
