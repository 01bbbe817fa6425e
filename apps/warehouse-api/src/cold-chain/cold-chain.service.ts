import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Principal } from '@trace/auth';
import { firstExcursion, WAREHOUSE_SHELF_STATES } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { parseScan } from '@trace/identifiers';
import { loadUnitsInContainers, UnitRow } from '@trace/ledger-store';
import { DataSource } from 'typeorm';
import { ExceptionView, CustodyExceptionsService } from '@trace/custody-exceptions';
import { WarehouseLedger } from '../ledger/warehouse-ledger';
import type { SensorReadingsDto } from './sensor-readings.dto';

export interface SensorReadingsResult {
  readings: number;
  packs: number;
  /** Packs put on hold because a reading left their product's storage range. */
  held: number;
  excursions: { gtin: string; time: string; temperatureC: number }[];
  exception?: ExceptionView;
  ledgerPending?: boolean;
}

/**
 * POST /v1/sensor-readings: temperatures for a store or a pallet. A reading outside a
 * product's storage range puts that product's packs there on hold (COLD_CHAIN_EXCURSION) and
 * opens an exception; releasing the hold is a separate, attributed action.
 */
@Injectable()
export class ColdChainService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly warehouse: WarehouseLedger,
    private readonly exceptions: CustodyExceptionsService,
  ) {}

  async record(dto: SensorReadingsDto, principal: Principal): Promise<SensorReadingsResult> {
    if ((dto.locationCode === undefined) === (dto.parent === undefined)) {
      throw new ProblemException('VALIDATION_FAILED', 'Give either locationCode or parent');
    }
    let units: Pick<UnitRow, 'gtin' | 'serial' | 'state'>[];
    let location: { code: string; sgln: string | null } | undefined;
    if (dto.locationCode) {
      location = await this.warehouse.ownLocation(dto.locationCode, principal);
      units = await this.db.query(
        `SELECT gtin, serial, state FROM units WHERE location_code = $1 AND state = ANY($2::text[])`,
        [location.code, WAREHOUSE_SHELF_STATES],
      );
    } else {
      const scan = parseScan(dto.parent as string);
      if (!scan.valid || !scan.sscc) {
        throw new ProblemException(
          'VALIDATION_FAILED',
          'parent must be the SSCC of a case or pallet',
        );
      }
      units = (await loadUnitsInContainers(this.db, [scan.sscc])).filter(
        (u) => WAREHOUSE_SHELF_STATES.includes(u.state) && u.custodianOrg === principal.org,
      );
    }
    const products: { gtin: string; storage_min_c: string | null; storage_max_c: string | null }[] =
      await this.db.query(
        `SELECT gtin, storage_min_c, storage_max_c FROM products WHERE gtin = ANY($1::text[])`,
        [[...new Set(units.map((u) => u.gtin))]],
      );
    const excursions: SensorReadingsResult['excursions'] = [];
    for (const p of products) {
      const found = firstExcursion(
        {
          storageMinC: p.storage_min_c === null ? null : Number(p.storage_min_c),
          storageMaxC: p.storage_max_c === null ? null : Number(p.storage_max_c),
        },
        dto.readings,
      );
      if (found)
        excursions.push({ gtin: p.gtin, time: found.time, temperatureC: found.temperatureC });
    }
    const affected = units.filter(
      (u) =>
        excursions.some((e) => e.gtin === u.gtin) &&
        (u as Partial<UnitRow>).state !== 'QUARANTINED',
    );
    const gcp = await this.warehouse.gcpLengths(affected.map((u) => u.gtin));
    const events = affected.map((u) => {
      const e = excursions.find((x) => x.gtin === u.gtin) as SensorReadingsResult['excursions'][0];
      return this.warehouse.event('HOLD', [{ gtin: u.gtin, serial: u.serial }], principal, {
        gcp,
        location,
        context: {
          reason: `COLD_CHAIN_EXCURSION: ${e.temperatureC} °C at ${e.time}`,
        },
      });
    });
    const { verdicts, pending } = await this.warehouse.submit(events);
    const held = verdicts.filter((v) => v.accepted).length;
    const [exception] =
      excursions.length > 0
        ? await this.exceptions.open(
            [
              {
                type: 'COLD_CHAIN_EXCURSION',
                locationCode: location?.code,
                ownerOrg: principal.org,
                units: affected.map((u) => ({ gtin: u.gtin, serial: u.serial })),
                // The holds' entries are the excursion's evidence (also when the ledger is late).
                eventIds: events.map((e) => e.eventId),
                detail: excursions
                  .map((e) => `${e.gtin}: ${e.temperatureC} °C at ${e.time}`)
                  .join('; '),
              },
            ],
            principal,
          )
        : [];
    return {
      readings: dto.readings.length,
      packs: units.length,
      held,
      excursions,
      ...(exception ? { exception } : {}),
      ...(pending ? { ledgerPending: true } : {}),
    };
  }
}
