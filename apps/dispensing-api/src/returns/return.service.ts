import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { ProblemException } from '@trace/http';
import { resolveEveryPackOnce, throwIfRefused, unitActionEvent } from '@trace/ledger-store';
import { Clock } from '@trace/platform';
import { LedgerQueueClient, LedgerTimeoutError, LedgerVerdict } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CreateReturnDto } from './returns.controller';

const LEDGER_WAIT_MS = 30_000;

export interface ReturnResult {
  returnId: string;
  reason: string;
  units: number;
  destinations: { destinationCode: string; units: number; ledgerIndex?: number }[];
  ledgerPending?: boolean;
}

/**
 * POST /v1/returns: packs leave the hospital back to the organisation that shipped them here
 * (or one the pharmacist names), one RETURN_SHIP event per destination, all in one atomic
 * group: a return slip is recorded whole or not at all. The return id is the shipment the
 * destination receives against.
 */
@Injectable()
export class ReturnService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateReturnDto, principal: Principal): Promise<ReturnResult> {
    const packs = await resolveEveryPackOnce(this.db, dto.scans);
    const gtins = packs.map((p) => p.gtin);
    const serials = packs.map((p) => p.serial);
    // Another organisation's packs are not the caller's to return (and their existence is
    // not confirmed to the caller: the same answer as for a pack nobody holds here).
    const held: { gtin: string; serial: string; shipper: string | null }[] = await this.db.query(
      `SELECT u.gtin, u.serial,
              (SELECT e.actor_org FROM unit_events ue JOIN ledger_entries e ON e.idx = ue.idx
                WHERE ue.gtin = u.gtin AND ue.serial = u.serial AND e.entry_type = 'event'
                  AND e.action IN ('SHIP', 'TRANSFER_SHIP')
                ORDER BY ue.idx DESC LIMIT 1) AS shipper
         FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
         JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial
        WHERE u.custodian_org = $3`,
      [gtins, serials, principal.org],
    );
    const shipperOf = new Map(held.map((h) => [`${h.gtin}/${h.serial}`, h.shipper]));
    const notHere = packs.find((p) => !shipperOf.has(`${p.gtin}/${p.serial}`));
    if (notHere) {
      throw new ProblemException(
        'WRONG_CUSTODIAN',
        `scans[${notHere.index}]: ${notHere.gtin}/${notHere.serial} is not in ${principal.org}'s stock`,
      );
    }
    if (dto.destinationCode !== undefined)
      await this.checkDestination(dto.destinationCode, principal);
    const byDestination = new Map<string, typeof packs>();
    for (const p of packs) {
      const destination = dto.destinationCode ?? shipperOf.get(`${p.gtin}/${p.serial}`);
      if (!destination) {
        throw new ProblemException(
          'VALIDATION_FAILED',
          `scans[${p.index}]: no shipment of ${p.gtin}/${p.serial} is recorded; name destinationCode`,
        );
      }
      byDestination.set(destination, [...(byDestination.get(destination) ?? []), p]);
    }
    const returnId = randomUUID();
    const eventTime = this.clock.now().toISOString();
    const events = [...byDestination].map(([destinationOrg, group]) =>
      unitActionEvent(
        'RETURN_SHIP',
        group.map((p) => ({ gtin: p.gtin, serial: p.serial })),
        principal,
        {
          eventTime,
          refs: { shipmentId: returnId },
          context: { destinationOrg, reason: dto.reason },
          atomicGroup: `return:${returnId}`,
        },
      ),
    );
    let verdicts: LedgerVerdict[] = [];
    let pending = false;
    try {
      verdicts = await this.ledger.submitAndWait(events, LEDGER_WAIT_MS);
    } catch (err) {
      if (!(err instanceof LedgerTimeoutError)) throw err;
      pending = true;
    }
    throwIfRefused(verdicts);
    return {
      returnId,
      reason: dto.reason,
      units: packs.length,
      destinations: [...byDestination].map(([destinationCode, group], i) => {
        const verdict = verdicts[i];
        return {
          destinationCode,
          units: group.length,
          ...(verdict?.accepted ? { ledgerIndex: verdict.ledgerIndex } : {}),
        };
      }),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }

  private async checkDestination(code: string, principal: Principal): Promise<void> {
    const rows: { type: string }[] = await this.db.query(
      `SELECT type FROM organisations WHERE code = $1`,
      [code],
    );
    if (rows.length === 0)
      throw new ProblemException('UNKNOWN_ORGANISATION', `No organisation ${code}`);
    if (code === principal.org) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        'Packs cannot be returned to their own holder',
      );
    }
    if (rows[0].type === 'REGULATOR' || rows[0].type === 'CUSTOMS') {
      throw new ProblemException(
        'ORGANISATION_TYPE_MISMATCH',
        `${code} does not hold goods: return to the warehouse, importer or another hospital`,
      );
    }
  }
}
