import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { assertActsFor, Principal } from '@trace/auth';
import type { PackRef, UnitAction } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { resolvePackScans, ResolvedScans, ScannedPack, unitActionEvent } from '@trace/ledger-store';
import {
  LedgerEventInput,
  LedgerQueueClient,
  LedgerRefs,
  LedgerTimeoutError,
  LedgerVerdict,
} from '@trace/queue';
import { DataSource } from 'typeorm';

export type { ResolvedScans, ScannedPack };

export interface WarehouseLocation {
  code: string;
  organisationCode: string;
  sgln: string | null;
}

export interface EventOptions {
  location?: { code: string; sgln: string | null };
  refs?: LedgerRefs;
  context?: Record<string, unknown>;
  atomicGroup?: string;
  /** GCP lengths by GTIN, for SGTIN URNs (a Digital Link is written when unknown). */
  gcp: Map<string, number>;
}

const LEDGER_WAIT_MS = 60_000;

/**
 * What every warehouse action shares: turning scans into packs (GS1 data, Digital Links,
 * cases and pallets through their recorded contents, Chinese codes through their alias),
 * writing the EPCIS 2.0 event of a unit action, and waiting for the ledger's verdicts.
 */
@Injectable()
export class WarehouseLedger {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
  ) {}

  resolveScans(scans: string[]): Promise<ResolvedScans> {
    return resolvePackScans(this.db, scans);
  }

  /** The caller's own location (422 when unknown, 403 when another organisation's). */
  async ownLocation(code: string, principal: Principal): Promise<WarehouseLocation> {
    const rows: { code: string; organisation_code: string; sgln: string | null }[] =
      await this.db.query(`SELECT code, organisation_code, sgln FROM locations WHERE code = $1`, [
        code,
      ]);
    if (rows.length === 0) throw new ProblemException('UNKNOWN_LOCATION', `No location ${code}`);
    assertActsFor(principal, rows[0].organisation_code);
    return { code: rows[0].code, organisationCode: rows[0].organisation_code, sgln: rows[0].sgln };
  }

  async gcpLengths(gtins: string[]): Promise<Map<string, number>> {
    const rows: { gtin: string; gcp_length: number }[] = await this.db.query(
      `SELECT gtin, gcp_length FROM products WHERE gtin = ANY($1::text[])`,
      [[...new Set(gtins)]],
    );
    return new Map(rows.map((r) => [r.gtin, Number(r.gcp_length)]));
  }

  /** The ledger event of a unit action on packs, in its EPCIS 2.0 encoding. */
  event(
    action: UnitAction,
    packs: PackRef[],
    principal: Principal,
    opts: EventOptions,
  ): LedgerEventInput {
    return unitActionEvent(action, packs, principal, opts);
  }

  /** Enqueues and waits for the verdicts; `pending` when the ledger did not answer in time. */
  async submit(
    events: LedgerEventInput[],
  ): Promise<{ verdicts: LedgerVerdict[]; pending: boolean }> {
    if (events.length === 0) return { verdicts: [], pending: false };
    try {
      return { verdicts: await this.ledger.submitAndWait(events, LEDGER_WAIT_MS), pending: false };
    } catch (err) {
      if (err instanceof LedgerTimeoutError) return { verdicts: [], pending: true };
      throw err;
    }
  }
}
