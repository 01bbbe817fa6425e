import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@trace/auth';
import { CustodyExceptionsService, ExceptionView, NewException } from '@trace/custody-exceptions';
import { compareReceipt, PackRef, UnitAction } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { resolvePackScans, unitActionEvent } from '@trace/ledger-store';
import { LedgerEventInput, LedgerQueueClient, LedgerTimeoutError } from '@trace/queue';
import { DataSource } from 'typeorm';

const LEDGER_WAIT_MS = 30_000;

/**
 * POST /v1/receipts (hospital): a shipment arrives; scans are compared with what was shipped
 * to this institution. Matching packs enter hospital stock; a pack in transit to this hospital
 * under another shipment is received but quarantined (RECEIVE_HOSPITAL_MISMATCH); packs the
 * ledger does not know are recorded as refused attempts; missing and unexpected packs open
 * exceptions owned by the shipper. Partial success: bad scans are reported by position.
 */
@Injectable()
export class HospitalReceiptService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
    private readonly exceptions: CustodyExceptionsService,
  ) {}

  async receive(dto: { shipmentId: string; scans: string[] }, principal: Principal) {
    const shipped: { gtin: string; serial: string; lot: string; custodian_org: string }[] =
      /^[0-9a-f-]{36}$/i.test(dto.shipmentId)
        ? await this.db.query(
            `SELECT gtin, serial, lot, custodian_org FROM units
              WHERE shipment_id = $1 AND destination_org = $2 AND state = 'IN_TRANSIT'`,
            [dto.shipmentId, principal.org],
          )
        : [];
    const everShipped =
      shipped.length > 0 || (await this.shippedHere(dto.shipmentId, principal.org));
    if (!everShipped) {
      throw new ProblemException('NOT_FOUND', `No shipment ${dto.shipmentId} to ${principal.org}`);
    }
    const resolved = await resolvePackScans(this.db, dto.scans);
    const comparison = compareReceipt(shipped, resolved.packs);
    const undeclared = comparison.unexpected;
    // Unexpected packs already in transit to this hospital (another shipment): held here.
    const inTransitHere: { gtin: string; serial: string }[] = undeclared.length
      ? await this.db.query(
          `SELECT u.gtin, u.serial FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
             JOIN units u ON u.gtin = k.gtin AND u.serial = k.serial
            WHERE u.state = 'IN_TRANSIT' AND u.destination_org = $3`,
          [undeclared.map((u) => u.gtin), undeclared.map((u) => u.serial), principal.org],
        )
      : [];
    const elsewhere = new Set(inTransitHere.map((u) => `${u.gtin}/${u.serial}`));
    const events: LedgerEventInput[] = [
      ...comparison.received.map((p) =>
        this.event('RECEIVE_HOSPITAL', p, principal, dto.shipmentId),
      ),
      ...undeclared.map((p) =>
        this.event(
          elsewhere.has(`${p.gtin}/${p.serial}`) ? 'RECEIVE_HOSPITAL_MISMATCH' : 'RECEIVE_HOSPITAL',
          p,
          principal,
          dto.shipmentId,
        ),
      ),
    ];
    let pending = false;
    let verdicts: { eventId: string; accepted: boolean }[] = [];
    try {
      verdicts = await this.ledger.submitAndWait(events, LEDGER_WAIT_MS);
    } catch (err) {
      if (!(err instanceof LedgerTimeoutError)) throw err;
      pending = true;
    }
    const accepted = new Set(verdicts.filter((v) => v.accepted).map((v) => v.eventId));
    const shipper = shipped[0]?.custodian_org ?? principal.org;
    const opened: NewException[] = [];
    const pack = (p: PackRef) => ({
      gtin: p.gtin,
      serial: p.serial,
      ...(p.lot ? { lot: p.lot } : {}),
    });
    if (comparison.missing.length > 0) {
      opened.push({
        type: 'MISSING',
        shipmentId: dto.shipmentId,
        ownerOrg: shipper,
        units: comparison.missing.map(pack),
        detail: `${comparison.missing.length} shipped packs did not arrive at ${principal.org}`,
      });
    }
    if (undeclared.length > 0) {
      opened.push({
        type: 'UNEXPECTED',
        shipmentId: dto.shipmentId,
        ownerOrg: shipper,
        units: undeclared.map(pack),
        detail: `${undeclared.length} packs arrived that the shipment did not list`,
      });
    }
    const exceptions: ExceptionView[] = await this.exceptions.open(opened, principal);
    return {
      shipmentId: dto.shipmentId,
      received: comparison.received.filter((p, i) => accepted.has(events[i].eventId)).length,
      missing: comparison.missing.map(pack),
      unexpected: undeclared.map((u) => ({
        ...pack(u),
        index: u.index,
        held: elsewhere.has(`${u.gtin}/${u.serial}`),
      })),
      rejected: resolved.rejected,
      exceptions,
      ...(pending ? { ledgerPending: true } : {}),
    };
  }

  private async shippedHere(shipmentId: string, org: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(shipmentId)) return false;
    const rows = await this.db.query(
      `SELECT 1 FROM units WHERE shipment_id = $1 AND destination_org = $2 LIMIT 1`,
      [shipmentId, org],
    );
    return rows.length > 0;
  }

  private event(
    action: UnitAction,
    p: PackRef,
    principal: Principal,
    shipmentId: string,
  ): LedgerEventInput {
    return unitActionEvent(action, [p], principal, { refs: { shipmentId } });
  }
}
