import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { RECORD_ACTION, TRACE_VOCABULARY_PREFIX } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { normaliseGtin, parseScan } from '@trace/identifiers';
import { LedgerQueueClient, LedgerTimeoutError } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@trace/platform';
import type { ReportAdverseEventDto } from './adverse-events.dto';

const LEDGER_WAIT_MS = 10_000;

/**
 * POST /v1/adverse-events: a report linked to a pack (or a lot) and a patient of this
 * hospital. Stored here with its description; recorded in the ledger as evidence against the
 * pack when one is named (severity and patient reference, not the clinical text), so the
 * regulator's look-back by lot finds it with proof.
 */
@Injectable()
export class AdverseEventService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
    private readonly clock: Clock,
  ) {}

  async report(dto: ReportAdverseEventDto, principal: Principal) {
    const patient = await this.db.query(
      `SELECT 1 FROM patients WHERE patient_ref = $1 AND hospital_org = $2`,
      [dto.patientRef, principal.org],
    );
    if (patient.length === 0) {
      throw new ProblemException('NOT_FOUND', `No patient ${dto.patientRef} at ${principal.org}`);
    }
    let gtin = dto.gtin ? normaliseGtin(dto.gtin) : null;
    let lot = dto.lot ?? null;
    let serial: string | null = null;
    if (dto.scan) {
      const scan = parseScan(dto.scan);
      if (!scan.valid || !scan.gtin) {
        throw new ProblemException('BARCODE_INVALID', scan.detail ?? 'not a pack');
      }
      gtin = scan.gtin;
      serial = scan.serial ?? null;
      lot = scan.lot ?? lot;
    }
    if (!gtin) {
      throw new ProblemException('VALIDATION_FAILED', 'Name the pack (scan) or the product (gtin)');
    }
    const product = await this.db.query(`SELECT 1 FROM products WHERE gtin = $1`, [gtin]);
    if (product.length === 0) throw new ProblemException('UNKNOWN_PRODUCT', `No product ${gtin}`);
    if (serial) {
      const unit: { lot: string }[] = await this.db.query(
        `SELECT lot FROM units WHERE gtin = $1 AND serial = $2`,
        [gtin, serial],
      );
      if (unit.length === 0)
        throw new ProblemException('UNKNOWN_SERIAL', `${gtin}/${serial} is not known`);
      lot = unit[0].lot;
    }
    const reportId = randomUUID();
    let ledgerIndex: number | null = null;
    if (serial) {
      const eventId = `urn:uuid:${reportId}`;
      const eventTime = this.clock.now().toISOString();
      try {
        const [verdict] = await this.ledger.submitAndWait(
          [
            {
              eventId,
              action: RECORD_ACTION,
              eventTime,
              actor: { sub: principal.sub, org: principal.org, roles: [...principal.roles] },
              units: [{ gtin, serial }],
              context: { patientRef: dto.patientRef, severity: dto.severity },
              epcis: {
                type: 'ObjectEvent',
                eventID: eventId,
                eventTime,
                eventTimeZoneOffset: '+08:00',
                action: 'OBSERVE',
                bizStep: `${TRACE_VOCABULARY_PREFIX}:adverse_event_reporting`,
                epcList: [`https://id.gs1.org/01/${gtin}/21/${encodeURIComponent(serial)}`],
              },
            },
          ],
          LEDGER_WAIT_MS,
        );
        if (verdict.accepted) ledgerIndex = verdict.ledgerIndex;
      } catch (err) {
        // The report is kept either way; the evidence entry follows when the ledger answers.
        if (!(err instanceof LedgerTimeoutError)) throw err;
      }
    }
    await this.db.query(
      `INSERT INTO adverse_events (report_id, hospital_org, patient_ref, gtin, lot, serial, severity,
                                   description, ledger_index, reported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        reportId,
        principal.org,
        dto.patientRef,
        gtin,
        lot,
        serial,
        dto.severity,
        dto.description,
        ledgerIndex,
        principal.sub,
      ],
    );
    return { reportId, gtin, lot, serial, severity: dto.severity, ledgerIndex };
  }
}
