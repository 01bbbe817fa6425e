import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Page } from '@trace/http';
import { parseEnvelope } from '@trace/ledger-store';
import { DataSource, EntityManager } from 'typeorm';
import { AlertFilter, AlertKind, AlertRowRef, AlertSource, alertUnionSql } from './alert-query';

export interface AlertUnit {
  gtin: string;
  serial: string;
  lot: string | null;
}

export interface AlertView {
  kind: AlertKind;
  code: string;
  /** When it happened (the refused event's time, the exception's opening, the refusal). */
  time: string;
  organisationCode: string;
  /** The refused unit action, or HOLD for the holds of an excursion. */
  action: string | null;
  locationCode: string | null;
  units: AlertUnit[];
  lots: { gtin: string; lot: string }[];
  detail: string;
  /** The ledger entry that proves it: the alert entry, the first hold, the RECORD entry. */
  ledgerIndex: number | null;
  /** Every entry of it (the holds of each pack of an excursion). */
  ledgerIndexes: number[];
  /** Where the offline-checkable receipt of ledgerIndex is. */
  receipt: string | null;
  source: { type: AlertSource; id: string; status?: 'open' | 'overdue' | 'resolved' };
  patientRef?: string;
  approvalNo?: string;
  prescriber?: string;
}

type Details = Omit<AlertView, 'kind' | 'code' | 'time' | 'organisationCode' | 'receipt'>;

/** What does not add up, newest first, with the ledger entries that prove it. */
@Injectable()
export class AlertsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(filter: AlertFilter, page: number, pageSize: number): Promise<Page<AlertView>> {
    const union = alertUnionSql(filter);
    if (!union) return { items: [], page, pageSize, total: 0 };
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      const [{ n }]: { n: string }[] = await tx.query(
        `SELECT count(*) AS n FROM (${union.sql}) a`,
        union.params,
      );
      const refs: AlertRowRef[] = await tx.query(
        `SELECT * FROM (${union.sql}) a
          ORDER BY at DESC, source, ledger_index DESC, ref DESC
          LIMIT $${union.params.length + 1} OFFSET $${union.params.length + 2}`,
        [...union.params, pageSize, (page - 1) * pageSize],
      );
      const details = await this.details(tx, refs);
      await this.fillLots(tx, [...details.values()]);
      const items = refs.map((r): AlertView => {
        const d = details.get(keyOf(r)) as Details;
        return {
          kind: r.kind,
          code: r.code,
          time: r.at.toISOString(),
          organisationCode: r.org,
          ...d,
          lots: lotsOf(d.units),
          receipt: d.ledgerIndex === null ? null : `/v1/ledger/entries/${d.ledgerIndex}/receipt`,
        };
      });
      return { items, page, pageSize, total: Number(n) };
    });
  }

  /** The rest of each listed alert, from its own store: a few indexed reads per page. */
  private async details(tx: EntityManager, refs: AlertRowRef[]): Promise<Map<string, Details>> {
    const out = new Map<string, Details>();
    const of = (source: AlertSource) =>
      refs.filter((r) => r.source === source).map((r) => r.ledger_index ?? r.ref);

    const entryIndexes = of('ledger_entry');
    if (entryIndexes.length > 0) {
      const entries: { idx: string; entry: Buffer }[] = await tx.query(
        `SELECT idx, entry FROM ledger_entries WHERE idx = ANY($1::bigint[])`,
        [entryIndexes],
      );
      for (const e of entries) {
        const envelope = parseEnvelope(e.entry);
        const index = Number(e.idx);
        const location = envelope.context?.locationCode;
        out.set(`ledger_entry:${e.idx}`, {
          action: envelope.action,
          locationCode: typeof location === 'string' ? location : null,
          units: envelope.units.map((u) => ({
            gtin: u.gtin,
            serial: u.serial,
            lot: u.lot ?? null,
          })),
          lots: [],
          detail: envelope.refusal?.detail ?? '',
          ledgerIndex: index,
          ledgerIndexes: [index],
          source: { type: 'ledger_entry', id: envelope.eventId },
          ...(envelope.refs?.approvalNo ? { approvalNo: envelope.refs.approvalNo } : {}),
        });
      }
    }

    const exceptionIds = of('custody_exception');
    if (exceptionIds.length > 0) {
      const rows: {
        exception_id: string;
        location_code: string | null;
        units: { gtin: string; serial: string; lot?: string }[];
        detail: string;
        status: 'open' | 'overdue' | 'resolved';
        ledger_indexes: string[];
      }[] = await tx.query(
        `SELECT exception_id, location_code, units, detail,
                CASE WHEN resolved_at IS NOT NULL THEN 'resolved'
                     WHEN due_by < now() THEN 'overdue' ELSE 'open' END AS status,
                ARRAY(SELECT le.idx FROM ledger_entries le
                       WHERE le.event_id = ANY(ce.event_ids) ORDER BY le.idx) AS ledger_indexes
           FROM custody_exceptions ce WHERE exception_id = ANY($1::uuid[])`,
        [exceptionIds],
      );
      for (const r of rows) {
        const indexes = r.ledger_indexes.map(Number);
        out.set(`custody_exception:${r.exception_id}`, {
          action: 'HOLD',
          locationCode: r.location_code,
          units: r.units.map((u) => ({ gtin: u.gtin, serial: u.serial, lot: u.lot ?? null })),
          lots: [],
          detail: r.detail,
          ledgerIndex: indexes[0] ?? null,
          ledgerIndexes: indexes,
          source: { type: 'custody_exception', id: r.exception_id, status: r.status },
        });
      }
    }

    const alertIds = of('prescription_alert');
    if (alertIds.length > 0) {
      const rows: {
        alert_id: string;
        patient_ref: string;
        approval_no: string;
        prescriber: string;
        units: AlertUnit[];
        detail: string;
        ledger_index: string | null;
      }[] = await tx.query(
        `SELECT alert_id, patient_ref, approval_no, prescriber, units, detail,
                (SELECT le.idx FROM ledger_entries le WHERE le.event_id = pa.event_id) AS ledger_index
           FROM prescription_alerts pa WHERE alert_id = ANY($1::uuid[])`,
        [alertIds],
      );
      for (const r of rows) {
        const index = r.ledger_index === null ? null : Number(r.ledger_index);
        out.set(`prescription_alert:${r.alert_id}`, {
          action: null,
          locationCode: null,
          units: r.units.map((u) => ({ gtin: u.gtin, serial: u.serial, lot: u.lot ?? null })),
          lots: [],
          detail: r.detail,
          ledgerIndex: index,
          ledgerIndexes: index === null ? [] : [index],
          source: { type: 'prescription_alert', id: r.alert_id },
          patientRef: r.patient_ref,
          approvalNo: r.approval_no,
          prescriber: r.prescriber,
        });
      }
    }
    return out;
  }

  /** Lots the sources did not carry, from the units projection (unknown packs have none). */
  private async fillLots(tx: EntityManager, details: Details[]): Promise<void> {
    const missing = details.flatMap((d) => d.units.filter((u) => u.lot === null));
    if (missing.length === 0) return;
    const rows: { gtin: string; serial: string; lot: string }[] = await tx.query(
      `SELECT u.gtin, u.serial, u.lot
         FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
         JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial`,
      [missing.map((u) => u.gtin), missing.map((u) => u.serial)],
    );
    const lots = new Map(rows.map((r) => [`${r.gtin}/${r.serial}`, r.lot]));
    for (const u of missing) u.lot = lots.get(`${u.gtin}/${u.serial}`) ?? null;
  }
}

const keyOf = (r: AlertRowRef) => `${r.source}:${r.ledger_index ?? r.ref}`;

function lotsOf(units: AlertUnit[]): { gtin: string; lot: string }[] {
  const seen = new Map<string, { gtin: string; lot: string }>();
  for (const u of units) {
    if (u.lot !== null) seen.set(`${u.gtin}\u0000${u.lot}`, { gtin: u.gtin, lot: u.lot });
  }
  return [...seen.values()];
}
