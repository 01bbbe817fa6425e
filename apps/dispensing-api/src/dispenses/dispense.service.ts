import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { ERROR_CODES, isErrorCode, TRACE_VOCABULARY_PREFIX } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { parseScan } from '@trace/identifiers';
import { unitActionEvent, unitAsReadSql } from '@trace/ledger-store';
import {
  derivedEventId,
  LedgerEventInput,
  LedgerQueueClient,
  LedgerTimeoutError,
} from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@trace/platform';
import { PrescriptionService } from '../prescriptions/prescription.service';
import { DispenseMetrics } from './dispense-metrics';

/** How long the counter waits for the ledger before answering 503 (and a retry hint). */
const LEDGER_WAIT_MS = 5_000;
const RETRY_AFTER_SECONDS = 2;

/**
 * POST /v1/dispenses: one scanned pack against a prescription, answered after the ledger has
 * committed the event — never a success the ledger did not record. The sequencer decides the
 * pack's state (unknown, lot, expired, recalled, held, custody, already dispensed); a pack has
 * at most one standing dispense, so of two counters racing for it exactly one succeeds.
 */
@Injectable()
export class DispenseService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly prescriptions: PrescriptionService,
    private readonly ledger: LedgerQueueClient,
    private readonly clock: Clock,
    private readonly metrics: DispenseMetrics,
  ) {}

  /**
   * Submits one event and waits for its verdict: the ledger index when committed, the rule's
   * code as the answer when refused, 503 with a retry hint when the ledger did not answer in
   * time (the event stays queued; retrying sends the same event id).
   */
  private async committed(event: LedgerEventInput): Promise<{ ledgerIndex: number }> {
    let verdict;
    try {
      [verdict] = await this.ledger.submitAndWait([event], LEDGER_WAIT_MS, { interactive: true });
    } catch (err) {
      if (!(err instanceof LedgerTimeoutError)) throw err;
      throw new ProblemException(
        'SERVICE_UNAVAILABLE',
        'The ledger has not confirmed it yet: retry the same request',
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    if (!verdict.accepted) {
      const code = isErrorCode(verdict.code) ? verdict.code : 'INVALID_STATE_TRANSITION';
      throw new ProblemException(
        code,
        verdict.detail,
        { alertIndex: verdict.alertIndex },
        ERROR_CODES[code],
      );
    }
    return verdict;
  }

  private event(
    action: 'DISPENSE' | 'TAKE_OUT' | 'UNDO_DISPENSE' | 'ADMINISTER',
    eventId: string,
    unit: { gtin: string; serial: string; lot?: string; expiry?: string },
    principal: Principal,
    refs: LedgerEventInput['refs'],
    context: Record<string, unknown>,
    eventTime = this.clock.now().toISOString(),
  ): LedgerEventInput {
    return unitActionEvent(action, [unit], principal, {
      eventId,
      eventTime,
      refs,
      context,
      // An undo is the corrective event of an error declaration on the dispense.
      extensions: refs?.correctsEventId
        ? { [`${TRACE_VOCABULARY_PREFIX}:corrects`]: refs.correctsEventId }
        : {},
    });
  }

  async dispense(prescriptionId: string, scanText: string, principal: Principal) {
    const scan = parseScan(scanText);
    const pack =
      scan.valid && scan.gtin && scan.serial ? { gtin: scan.gtin, serial: scan.serial } : undefined;
    // Everything read before the commit, in one round trip (the counter waits for each), so
    // that once the dispense is recorded nothing can fail before the 201: a retry after a
    // failure past that point would be refused as ALREADY_DISPENSED (a new event id, since a
    // dispense now stands) and leave a false alert entry.
    const prescription = await this.metrics.time('read', () =>
      this.prescriptions.find(prescriptionId, principal, pack),
    );
    if (!scan.valid) {
      throw new ProblemException('BARCODE_INVALID', scan.detail ?? 'unreadable scan', {
        subcode: scan.subcode,
      });
    }
    if (!scan.gtin || !scan.serial) {
      throw new ProblemException('UNKNOWN_SERIAL', 'Scan the pack itself: its serial is needed');
    }
    if (scan.gtin !== prescription.gtin) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        `Prescribed ${prescription.gtin}, scanned ${scan.gtin}: another product`,
        {},
        422,
      );
    }
    if (prescription.productSuspended) {
      throw new ProblemException('PRODUCT_SUSPENDED', `Product ${prescription.gtin} is suspended`);
    }
    if (prescription.dispensed >= prescription.quantity) {
      // A pack that is itself used up is the answer the counter needs (a second scan of a
      // dispensed pack, or the loser of a race for it whose winner used the last pack).
      if (prescription.pack.usedUp) {
        throw new ProblemException('ALREADY_DISPENSED', `${scan.gtin}/${scan.serial} is dispensed`);
      }
      throw new ProblemException(
        'QUOTA_EXCEEDED',
        `All ${prescription.quantity} packs of prescription ${prescriptionId} were dispensed`,
      );
    }
    const action = prescription.takeOutDays ? 'TAKE_OUT' : 'DISPENSE';
    const known = prescription.pack;
    const eventId = derivedEventId(prescriptionId, scan.gtin, scan.serial, known.earlierDispenses);
    const event: LedgerEventInput = {
      ...this.event(
        action,
        eventId,
        {
          gtin: scan.gtin,
          serial: scan.serial,
          ...(scan.lot ? { lot: scan.lot } : {}),
          ...(scan.expiry ? { expiry: scan.expiry } : {}),
        },
        principal,
        { prescriptionId, approvalNo: prescription.approvalNo },
        { patientRef: prescription.patientRef },
      ),
      // The pack as the read above found it: the sequencer decides on it without reading it
      // again, and its write checks it is still so (ADR 0018).
      unitsAsRead: known.unitsAsRead,
    };
    const verdict = await this.metrics.time('ledger', () => this.committed(event));
    const dispenseId = randomUUID();
    try {
      await this.metrics.time('record', () =>
        this.db.query(
          `INSERT INTO dispenses (dispense_id, prescription_id, gtin, serial, event_id, ledger_index, dispensed_by, dispensed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            dispenseId,
            prescriptionId,
            scan.gtin,
            scan.serial,
            eventId,
            verdict.ledgerIndex,
            principal.sub,
            event.eventTime,
          ],
        ),
      );
    } catch (err) {
      // Another request recorded this pack's dispense first (the same event, answered twice).
      if ((err as { code?: string }).code === '23505') {
        throw new ProblemException('ALREADY_DISPENSED', `${scan.gtin}/${scan.serial} is dispensed`);
      }
      throw err;
    }
    return {
      dispenseId,
      ledgerIndex: verdict.ledgerIndex,
      action,
      unit: {
        gtin: scan.gtin,
        serial: scan.serial,
        lot: known.lot,
        expiry: known.expiry,
      },
    };
  }

  /** Undo of a dispense: a correction event, within 10 days, by the one who dispensed. */
  async undo(dispenseId: string, principal: Principal) {
    const rows: (Record<string, string> & { pack_as_read: Record<string, unknown>[] })[] =
      /^[0-9a-f-]{36}$/i.test(dispenseId)
        ? await this.db.query(
            `SELECT d.gtin, d.serial, d.event_id, d.prescription_id, d.undone_at, p.patient_ref,
                    ${unitAsReadSql('d.gtin', 'd.serial')} AS pack_as_read
               FROM dispenses d JOIN prescriptions p ON p.prescription_id = d.prescription_id
              WHERE d.dispense_id = $1 AND p.hospital_org = $2`,
            [dispenseId, principal.org],
          )
        : [];
    const row = rows[0];
    if (!row) throw new ProblemException('NOT_FOUND', `No dispense ${dispenseId}`);
    if (row.undone_at) {
      throw new ProblemException('INVALID_STATE_TRANSITION', `Dispense ${dispenseId} was undone`);
    }
    const event: LedgerEventInput = {
      ...this.event(
        'UNDO_DISPENSE',
        // A retry by the same person is the same event; another person's attempt is its own.
        derivedEventId('undo', dispenseId, principal.sub),
        { gtin: row.gtin, serial: row.serial },
        principal,
        { correctsEventId: row.event_id, prescriptionId: row.prescription_id },
        { patientRef: row.patient_ref },
      ),
      unitsAsRead: row.pack_as_read, // read with the dispense: checked as written (ADR 0018)
    };
    const verdict = await this.committed(event);
    await this.db.query(
      `UPDATE dispenses SET undone_at = $3, undone_by = $2 WHERE dispense_id = $1`,
      [dispenseId, principal.sub, event.eventTime],
    );
    return { dispenseId, undone: true, ledgerIndex: verdict.ledgerIndex };
  }

  /** Administration to the patient the pack was dispensed to. */
  async administer(
    dto: { scan: string; patientRef: string; administeredBy: string; time?: string },
    principal: Principal,
  ) {
    const scan = parseScan(dto.scan);
    if (!scan.valid)
      throw new ProblemException('BARCODE_INVALID', scan.detail ?? 'unreadable scan');
    if (!scan.gtin || !scan.serial) {
      throw new ProblemException('UNKNOWN_SERIAL', 'Scan the pack itself: its serial is needed');
    }
    const event = this.event(
      'ADMINISTER',
      `urn:uuid:${randomUUID()}`,
      { gtin: scan.gtin, serial: scan.serial, ...(scan.lot ? { lot: scan.lot } : {}) },
      principal,
      {},
      { patientRef: dto.patientRef, administeredBy: dto.administeredBy },
      dto.time,
    );
    const verdict = await this.committed(event);
    return { ledgerIndex: verdict.ledgerIndex, unit: { gtin: scan.gtin, serial: scan.serial } };
  }
}
