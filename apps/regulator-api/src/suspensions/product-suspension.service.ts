import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { RECORD_ACTION, TRACE_VOCABULARY_PREFIX } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { LedgerEventInput, LedgerQueueClient, LedgerTimeoutError } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

const LEDGER_WAIT_MS = 15_000;

export interface SuspensionView {
  suspensionId: string;
  gtin: string;
  reason: string;
  suspendedBy: string;
  suspendedAt: string;
  ledgerIndex: number | null;
  liftedBy: string | null;
  liftedAt: string | null;
  liftReason: string | null;
  liftLedgerIndex: number | null;
}

/**
 * A regulator suspends a product (a safety signal, a licence question): while suspended, no
 * pack of it is shipped from bonded stock, prescribed or dispensed (PRODUCT_SUSPENDED), and no
 * approval or import is accepted for it. Unlike a recall it can be lifted. Both acts are kept
 * here and as evidence entries in the ledger (product-level, no pack named).
 */
@Injectable()
export class ProductSuspensionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
  ) {}

  async suspend(gtinParam: string, reason: string, principal: Principal): Promise<SuspensionView> {
    const gtin = await this.product(gtinParam);
    const suspensionId = randomUUID();
    await this.db.transaction(async (tx) => {
      const [product]: { status: string }[] = await tx.query(
        `SELECT status FROM products WHERE gtin = $1 FOR UPDATE`,
        [gtin],
      );
      if (product.status === 'SUSPENDED') {
        throw new ProblemException('PRODUCT_SUSPENDED', `Product ${gtin} is already suspended`);
      }
      await tx.query(`UPDATE products SET status = 'SUSPENDED' WHERE gtin = $1`, [gtin]);
      await tx.query(
        `INSERT INTO product_suspensions (suspension_id, gtin, reason, suspended_by) VALUES ($1, $2, $3, $4)`,
        [suspensionId, gtin, reason, principal.sub],
      );
    });
    const ledgerIndex = await this.record('suspending', gtin, reason, suspensionId, principal);
    await this.db.query(
      `UPDATE product_suspensions SET ledger_index = $2 WHERE suspension_id = $1`,
      [suspensionId, ledgerIndex],
    );
    return this.view(suspensionId);
  }

  async lift(gtinParam: string, reason: string, principal: Principal): Promise<SuspensionView> {
    const gtin = await this.product(gtinParam);
    const suspensionId = await this.db.transaction(async (tx) => {
      const open: { suspension_id: string }[] = await tx.query(
        `SELECT suspension_id FROM product_suspensions WHERE gtin = $1 AND lifted_at IS NULL FOR UPDATE`,
        [gtin],
      );
      if (open.length === 0) {
        throw new ProblemException('NOT_FOUND', `Product ${gtin} is not suspended`);
      }
      await tx.query(
        `UPDATE product_suspensions SET lifted_by = $2, lifted_at = now(), lift_reason = $3
          WHERE suspension_id = $1`,
        [open[0].suspension_id, principal.sub, reason],
      );
      await tx.query(`UPDATE products SET status = 'ACTIVE' WHERE gtin = $1`, [gtin]);
      return open[0].suspension_id;
    });
    const ledgerIndex = await this.record('reinstating', gtin, reason, suspensionId, principal);
    await this.db.query(
      `UPDATE product_suspensions SET lift_ledger_index = $2 WHERE suspension_id = $1`,
      [suspensionId, ledgerIndex],
    );
    return this.view(suspensionId);
  }

  async history(gtinParam: string): Promise<SuspensionView[]> {
    const gtin = await this.product(gtinParam);
    const rows: { suspension_id: string }[] = await this.db.query(
      `SELECT suspension_id FROM product_suspensions WHERE gtin = $1 ORDER BY suspended_at DESC`,
      [gtin],
    );
    return Promise.all(rows.map((r) => this.view(r.suspension_id)));
  }

  private async product(gtinParam: string): Promise<string> {
    const gtin = normaliseGtin(gtinParam);
    if (!gtin) throw new ProblemException('VALIDATION_FAILED', `${gtinParam} is not a GTIN`);
    const rows = await this.db.query(`SELECT 1 FROM products WHERE gtin = $1`, [gtin]);
    if (rows.length === 0) throw new ProblemException('UNKNOWN_PRODUCT', `No product ${gtin}`);
    return gtin;
  }

  /** The evidence entry: an EPCIS event on the product class, no pack named. */
  private async record(
    step: 'suspending' | 'reinstating',
    gtin: string,
    reason: string,
    suspensionId: string,
    principal: Principal,
  ): Promise<number | null> {
    const eventId = `urn:uuid:${randomUUID()}`;
    const eventTime = new Date().toISOString();
    const event: LedgerEventInput = {
      eventId,
      action: RECORD_ACTION,
      eventTime,
      actor: { sub: principal.sub, org: principal.org, roles: [...principal.roles] },
      units: [],
      refs: {},
      context: { gtin, reason, suspensionId },
      epcis: {
        type: 'ObjectEvent',
        eventID: eventId,
        eventTime,
        eventTimeZoneOffset: '+08:00',
        action: 'OBSERVE',
        bizStep: `${TRACE_VOCABULARY_PREFIX}:${step}`,
        epcList: [],
        quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}` }],
        [`${TRACE_VOCABULARY_PREFIX}:reason`]: reason,
      },
    };
    try {
      const [verdict] = await this.ledger.submitAndWait([event], LEDGER_WAIT_MS);
      return verdict.accepted ? verdict.ledgerIndex : null;
    } catch (err) {
      // The status is in force either way; the entry is written when the ledger is back.
      if (err instanceof LedgerTimeoutError) return null;
      throw err;
    }
  }

  private async view(suspensionId: string): Promise<SuspensionView> {
    const [r]: Record<string, unknown>[] = await this.db.query(
      `SELECT * FROM product_suspensions WHERE suspension_id = $1`,
      [suspensionId],
    );
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : null);
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      suspensionId,
      gtin: r.gtin as string,
      reason: r.reason as string,
      suspendedBy: r.suspended_by as string,
      suspendedAt: iso(r.suspended_at) as string,
      ledgerIndex: num(r.ledger_index),
      liftedBy: (r.lifted_by as string | null) ?? null,
      liftedAt: iso(r.lifted_at),
      liftReason: (r.lift_reason as string | null) ?? null,
      liftLedgerIndex: num(r.lift_ledger_index),
    };
  }
}
