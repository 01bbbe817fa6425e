import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hasOversight, Principal } from '@trace/auth';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { CustodyAnswer, custodyEventOf, parseEnvelope } from '@trace/ledger-store';
import { DataSource } from 'typeorm';
import { LedgerReadService } from '../ledger/ledger-read.service';

/**
 * GET /v1/units/{gtin}/{serial}/custody: every entry of one pack, oldest first — events on the
 * pack and on the cases and pallets it sat in (recorded against each pack inside when they
 * were captured), corrections and, for oversight, refused attempts. With proofs, each entry
 * carries its exact bytes and inclusion proof to one signed checkpoint given once, so the
 * whole answer checks offline (`cli verify-receipt`).
 */
@Injectable()
export class CustodyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerReadService,
  ) {}

  async custody(
    gtinParam: string,
    serial: string,
    principal: Principal,
    proof: boolean,
  ): Promise<CustodyAnswer> {
    const gtin = normaliseGtin(gtinParam);
    if (!gtin) throw new ProblemException('VALIDATION_FAILED', `${gtinParam} is not a GTIN`);
    const oversight = hasOversight(principal);
    const units: Record<string, string | null>[] = await this.db.query(
      `SELECT gtin, serial, lot, to_char(expiry, 'YYYY-MM-DD') AS expiry, state, custodian_org,
              destination_org, location_code
         FROM units WHERE gtin = $1 AND serial = $2`,
      [gtin, serial],
    );
    const unit = units[0];
    // An organisation reads the packs it holds or receives; the answer for any other pack,
    // known or not, is the same refusal.
    if (
      !oversight &&
      (!unit || (unit.custodian_org !== principal.org && unit.destination_org !== principal.org))
    ) {
      throw new ProblemException(
        'FORBIDDEN',
        `${gtin}/${serial} is not in ${principal.org}'s custody`,
      );
    }
    if (!unit) throw new ProblemException('UNKNOWN_SERIAL', `${gtin}/${serial} is not known`);
    const rows: { idx: string; entry: Buffer }[] = await this.db.query(
      `SELECT l.idx, l.entry FROM unit_events u JOIN ledger_entries l ON l.idx = u.idx
        WHERE u.gtin = $1 AND u.serial = $2 ${oversight ? '' : `AND l.entry_type = 'event'`}
        ORDER BY u.idx`,
      [gtin, serial],
    );
    const events = rows.map((r) => custodyEventOf(Number(r.idx), parseEnvelope(r.entry)));
    const answer: CustodyAnswer = {
      unit: {
        gtin,
        serial,
        lot: unit.lot as string,
        expiry: unit.expiry as string,
      },
      state: unit.state as string,
      custodianCode: unit.custodian_org as string,
      locationCode: unit.location_code,
      events,
    };
    if (!proof || events.length === 0) return answer;
    const last = events[events.length - 1].ledgerIndex;
    const checkpoint = await this.ledger.reader.latestCheckpointCovering(last);
    if (!checkpoint) {
      throw new ProblemException(
        'SERVICE_UNAVAILABLE',
        `Entry ${last} is not covered by a signed checkpoint yet`,
        { retryAfterSeconds: 1 },
      );
    }
    const proofs = await this.ledger.reader.inclusionProofs(
      events.map((e) => e.ledgerIndex),
      checkpoint.treeSize,
    );
    events.forEach((event, i) => {
      event.receipt = {
        entry: rows[i].entry.toString('base64'),
        inclusion: proofs.get(event.ledgerIndex)!.map((h) => h.toString('base64')),
      };
    });
    answer.checkpoint = { treeSize: checkpoint.treeSize, note: checkpoint.note };
    return answer;
  }
}
