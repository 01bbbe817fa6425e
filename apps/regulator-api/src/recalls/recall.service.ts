import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { NON_TERMINAL_STATES } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { unitActionEvent } from '@trace/ledger-store';
import { LedgerEventInput, LedgerQueueClient, LedgerTimeoutError } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LotLookbackService } from '../lots/lot-lookback.service';

/** Packs per RECALL entry: a 10,000-pack lot is 20 entries, each of a readable size. */
const PACKS_PER_ENTRY = 500;
/** Packs that changed state between our read and the sequencer are recalled in another round. */
const ROUNDS = 3;
const LEDGER_WAIT_MS = 60_000;

export interface CreateRecall {
  gtin: string;
  lot: string;
  recallClass: 'I' | 'II' | 'III';
  reason: string;
}

/**
 * POST /v1/recalls: every non-terminal pack of the lot becomes RECALLED through the ledger
 * (RECALL entries naming the recall), wherever it is. From then on the state machine refuses
 * shipping, dispensing or releasing those packs (RECALLED, BATCH_RECALL_IRREVERSIBLE). A recall
 * is kept for good: its record cannot be changed or withdrawn.
 */
@Injectable()
export class RecallService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
    private readonly lookback: LotLookbackService,
  ) {}

  async create(dto: CreateRecall, principal: Principal) {
    const gtin = normaliseGtin(dto.gtin) as string;
    const product = await this.db.query(`SELECT 1 FROM products WHERE gtin = $1`, [gtin]);
    if (product.length === 0) throw new ProblemException('UNKNOWN_PRODUCT', `No product ${gtin}`);
    const known = await this.db.query(`SELECT 1 FROM units WHERE gtin = $1 AND lot = $2 LIMIT 1`, [
      gtin,
      dto.lot,
    ]);
    if (known.length === 0) {
      throw new ProblemException('UNKNOWN_LOT', `No pack of lot ${dto.lot} of ${gtin} is known`);
    }
    const recallId = randomUUID();
    await this.db.query(
      `INSERT INTO recalls (recall_id, gtin, lot, recall_class, reason, issued_by, issued_org)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [recallId, gtin, dto.lot, dto.recallClass, dto.reason, principal.sub, principal.org],
    );
    let affected = 0;
    let pending = false;
    const ledgerIndexes: number[] = [];
    for (let round = 0; round < ROUNDS && !pending; round++) {
      const open: { serial: string }[] = await this.db.query(
        `SELECT serial FROM units WHERE gtin = $1 AND lot = $2 AND state = ANY($3::text[])
          AND state <> 'RECALLED' ORDER BY serial`,
        [gtin, dto.lot, NON_TERMINAL_STATES],
      );
      if (open.length === 0) break;
      const events: LedgerEventInput[] = [];
      for (let i = 0; i < open.length; i += PACKS_PER_ENTRY) {
        const packs = open.slice(i, i + PACKS_PER_ENTRY).map((u) => ({ gtin, serial: u.serial }));
        events.push(
          unitActionEvent('RECALL', packs, principal, {
            refs: { recallId },
            context: { reason: dto.reason, recallClass: dto.recallClass },
          }),
        );
      }
      try {
        const verdicts = await this.ledger.submitAndWait(events, LEDGER_WAIT_MS);
        verdicts.forEach((v, i) => {
          if (!v.accepted) return;
          ledgerIndexes.push(v.ledgerIndex);
          affected += events[i].units.length;
        });
      } catch (err) {
        if (!(err instanceof LedgerTimeoutError)) throw err;
        pending = true; // the events stay queued; GET shows the outcome once they are written
      }
    }
    await this.db.query(
      `UPDATE recalls SET affected = $2, ledger_indexes = $3 WHERE recall_id = $1`,
      [recallId, affected, ledgerIndexes],
    );
    return {
      recallId,
      gtin,
      lot: dto.lot,
      recallClass: dto.recallClass,
      affected,
      ledgerIndexes,
      ...(pending ? { ledgerPending: true } : {}),
    };
  }

  /** The recall with what it reached: patients, and recalled packs still out there by place. */
  async find(recallId: string) {
    const rows: Record<string, unknown>[] = /^[0-9a-f-]{36}$/i.test(recallId)
      ? await this.db.query(
          `SELECT recall_id, gtin, lot, recall_class, reason, issued_by, issued_org, issued_at,
                  affected, ledger_indexes FROM recalls WHERE recall_id = $1`,
          [recallId],
        )
      : [];
    const r = rows[0];
    if (!r) throw new ProblemException('NOT_FOUND', `No recall ${recallId}`);
    const gtin = r.gtin as string;
    const lot = r.lot as string;
    const board = await this.lookback.board(gtin, lot);
    return {
      recallId,
      gtin,
      lot,
      recallClass: r.recall_class,
      reason: r.reason,
      issuedBy: r.issued_by,
      issuedOrg: r.issued_org,
      issuedAt: (r.issued_at as Date).toISOString(),
      affected: Number(r.affected),
      ledgerIndexes: (r.ledger_indexes as string[]).map(Number),
      // Recalled packs not yet returned, destroyed or re-exported: what is still to collect.
      outstanding: board.byLocation.filter((b) => b.state === 'RECALLED'),
      byState: board.byState,
      patients: await this.lookback.patients(gtin, lot),
    };
  }

  async list(filter: { gtin?: string; lot?: string }) {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT recall_id, gtin, lot, recall_class, reason, issued_at, affected FROM recalls
        WHERE ($1::text IS NULL OR gtin = $1) AND ($2::text IS NULL OR lot = $2)
        ORDER BY issued_at DESC LIMIT 500`,
      [filter.gtin ? normaliseGtin(filter.gtin) : null, filter.lot ?? null],
    );
    return rows.map((r) => ({
      recallId: r.recall_id,
      gtin: r.gtin,
      lot: r.lot,
      recallClass: r.recall_class,
      reason: r.reason,
      issuedAt: (r.issued_at as Date).toISOString(),
      affected: Number(r.affected),
    }));
  }
}
