import { Inject, Injectable } from '@nestjs/common';
import { hasOversight, Principal } from '@trace/auth';
import { AppConfig, appConfig } from '@trace/config';
import { ACTION_RULES, actionsForEpcis, ErrorCode, UnitAction } from '@trace/domain';
import { ProblemException } from '@trace/http';
import { gtinToSgtinUrn, parseScan, ScanResult } from '@trace/identifiers';
import type { LedgerEventInput, UnitRef } from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { CaptureError } from '../capture/capture-inbox';
import { CaptureSubmissionService } from '../capture/capture-submission.service';
import { IngestMasterData, KnownLocation } from '../capture/ingest-master-data';
import { chooseAction } from '../epcis/epcis-event-mapper';
import type { ScanBatchDto } from './scans.dto';

export interface ScanVerdict {
  input: string;
  valid: boolean;
  scheme: string;
  gtin?: string;
  serial?: string;
  lot?: string;
  expiry?: string;
  sscc?: string;
  cnCode?: string;
  ais?: { ai: string; value: string }[];
  code?: string;
  subcode?: string;
  detail?: string;
  warnings?: string[];
}

export interface ScanBatchAccepted {
  captureId: string;
  accepted: number;
  rejected: { index: number; code: string; detail: string }[];
}

/** Hainan keeps China Standard Time; a scan without a stated time is recorded in it. */
const LOCAL_OFFSET = '+08:00';

export function scanVerdict(r: ScanResult): ScanVerdict {
  return {
    input: r.input,
    valid: r.valid,
    scheme: r.scheme,
    ...(r.gtin ? { gtin: r.gtin } : {}),
    ...(r.serial ? { serial: r.serial } : {}),
    ...(r.lot ? { lot: r.lot } : {}),
    ...(r.expiry ? { expiry: r.expiry } : {}),
    ...(r.sscc ? { sscc: r.sscc } : {}),
    ...(r.cnCode ? { cnCode: r.cnCode } : {}),
    ...(r.ais ? { ais: r.ais.map((a) => ({ ai: a.ai, value: a.value })) } : {}),
    ...(r.code ? { code: r.code } : {}),
    ...(r.subcode ? { subcode: r.subcode } : {}),
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.warnings?.length ? { warnings: [...r.warnings] } : {}),
  };
}

function offsetOf(eventTime: string): string {
  const m = /([+-]\d{2}:\d{2})$/.exec(eventTime);
  return m ? m[1] : eventTime.endsWith('Z') ? '+00:00' : LOCAL_OFFSET;
}

/** One pack or case the batch names, with the scan positions that named it. */
interface Target {
  index: number;
  units: UnitRef[];
  sscc?: string;
}

/**
 * POST /v1/scans: a batch of scans at one location becomes EPCIS 2.0 events — one
 * ObjectEvent per pack (a case or pallet scan stands for the packs inside it), or one
 * AggregationEvent when a parent is given. Bad scans are refused one by one with their code;
 * the rest are accepted as one capture.
 */
@Injectable()
export class ScanBatchService {
  constructor(
    private readonly masterData: IngestMasterData,
    private readonly submission: CaptureSubmissionService,
    @Inject(appConfig.KEY) private readonly cfg: AppConfig,
  ) {}

  parse(scans: string[]): { results: ScanVerdict[] } {
    if (scans.length > this.cfg.ingest.scanBatchMax) this.tooMany(scans.length);
    return { results: scans.map((s) => scanVerdict(parseScan(s))) };
  }

  async submit(dto: ScanBatchDto, principal: Principal): Promise<ScanBatchAccepted> {
    if (dto.scans.length > this.cfg.ingest.scanBatchMax) this.tooMany(dto.scans.length);
    const location = await this.location(dto.locationCode, principal);
    const action = this.action(dto, principal);
    const eventTime = dto.eventTime ?? new Date().toISOString();
    const rejected: CaptureError[] = [];
    const reject = (index: number, code: ErrorCode | 'BARCODE_INVALID', detail: string) =>
      rejected.push({ index, code, detail });

    const parent = dto.parent === undefined ? undefined : parseScan(dto.parent);
    if (parent && !parent.sscc) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        'parent must be the SSCC of a case or pallet',
        {
          errors: [
            {
              field: 'parent',
              code: parent.code ?? 'VALIDATION_FAILED',
              message: parent.detail ?? 'not an SSCC',
            },
          ],
        },
      );
    }

    const parsed = dto.scans.map((s) => parseScan(s));
    const aliases = await this.masterData.aliases(
      parsed.filter((p) => p.valid && p.cnCode).map((p) => p.cnCode as string),
    );
    const targets: Target[] = [];
    for (let index = 0; index < parsed.length; index++) {
      const p = parsed[index];
      if (!p.valid) {
        reject(
          index,
          'BARCODE_INVALID',
          `${p.subcode ?? ''}${p.subcode ? ': ' : ''}${p.detail ?? 'unreadable'}`,
        );
      } else if (p.gtin && p.serial) {
        targets.push({
          index,
          units: [
            {
              gtin: p.gtin,
              serial: p.serial,
              ...(p.lot ? { lot: p.lot } : {}),
              ...(p.expiry ? { expiry: p.expiry } : {}),
            },
          ],
        });
      } else if (p.cnCode) {
        const unit = aliases.get(p.cnCode);
        if (unit) targets.push({ index, units: [unit] });
        else
          reject(
            index,
            'UNKNOWN_SERIAL',
            `Chinese trace code ${p.cnCode} was never applied to a pack`,
          );
      } else if (p.sscc) {
        if (parent)
          reject(
            index,
            'VALIDATION_FAILED',
            'cases go onto pallets one level at a time: scan the packs',
          );
        else targets.push({ index, units: [], sscc: p.sscc });
      } else {
        reject(
          index,
          'UNKNOWN_SERIAL',
          'the scan has no serial: packs are traced by GTIN and serial',
        );
      }
    }
    for (const t of targets) if (t.sscc) t.units = await this.masterData.contents(t.sscc);

    const products = await this.masterData.products(
      targets.flatMap((t) => t.units.map((u) => u.gtin)),
    );
    const seen = new Set<string>();
    const good: Target[] = [];
    for (const t of targets) {
      if (t.units.length === 0) {
        reject(t.index, 'PARENT_CONTAINS_UNKNOWN_CHILD', `no known pack is inside ${t.sscc}`);
        continue;
      }
      const unknown = t.units.find((u) => !products.has(u.gtin));
      if (unknown) {
        reject(t.index, 'UNKNOWN_PRODUCT', `GTIN ${unknown.gtin} is not in master data`);
        continue;
      }
      const keys = t.units.map((u) => `${u.gtin}/${u.serial}`);
      const twice = keys.find((k) => seen.has(k));
      if (twice) {
        reject(t.index, 'DUPLICATE_CODE_USE', `${twice} was already scanned in this batch`);
        continue;
      }
      keys.forEach((k) => seen.add(k));
      good.push(t);
    }

    const captureId = randomUUID();
    const base = {
      eventTime,
      actor: { sub: principal.sub, org: principal.org, roles: [...principal.roles] },
      refs: { captureId },
      context: { locationCode: location.code },
    };
    const epc = (u: UnitRef) => gtinToSgtinUrn(u.gtin, u.serial, products.get(u.gtin) as number);
    const encoding = ACTION_RULES[action].epcis;
    const epcisOf = (eventId: string, extra: Record<string, unknown>) => ({
      type: encoding.eventType,
      eventID: eventId,
      eventTime,
      eventTimeZoneOffset: offsetOf(eventTime),
      action: encoding.action,
      bizStep: encoding.bizStep,
      ...((dto.disposition ?? encoding.disposition)
        ? { disposition: dto.disposition ?? encoding.disposition }
        : {}),
      // Where the packs are now; the read point would say the same for a scan at rest.
      ...(location.sgln ? { bizLocation: { id: location.sgln } } : {}),
      ...extra,
    });
    const events: LedgerEventInput[] = [];
    if (parent?.sscc && good.length > 0) {
      const eventId = `urn:uuid:${randomUUID()}`;
      const units = good.flatMap((t) => t.units);
      events.push({
        ...base,
        eventId,
        action,
        units,
        containers: [parent.sscc],
        context: { ...base.context, parent: parent.sscc },
        epcis: epcisOf(eventId, {
          parentID: `https://id.gs1.org/00/${parent.sscc}`,
          childEPCs: units.map(epc),
        }),
      });
    } else {
      for (const t of good) {
        const eventId = `urn:uuid:${randomUUID()}`;
        const lot = t.units.length === 1 ? t.units[0].lot : undefined;
        const expiry = t.units.length === 1 ? t.units[0].expiry : undefined;
        events.push({
          ...base,
          eventId,
          action,
          units: t.units,
          ...(t.sscc ? { containers: [t.sscc] } : {}),
          epcis: epcisOf(eventId, {
            epcList: t.units.map(epc),
            ...(action === 'ANNOUNCE' && (lot || expiry)
              ? {
                  ilmd: {
                    ...(lot ? { 'cbvmda:lotNumber': lot } : {}),
                    ...(expiry ? { 'cbvmda:itemExpirationDate': expiry } : {}),
                  },
                }
              : {}),
          }),
        });
      }
    }
    rejected.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    await this.submission.accept({
      captureId,
      kind: 'SCANS',
      submittedBy: principal.sub,
      submittedOrg: principal.org,
      errorBehaviour: 'proceed',
      document: dto,
      events,
      errors: rejected,
    });
    return {
      captureId,
      accepted: good.length,
      rejected: rejected.map((r) => ({ index: r.index as number, code: r.code, detail: r.detail })),
    };
  }

  private async location(code: string, principal: Principal): Promise<KnownLocation> {
    const location = (await this.masterData.locations([code])).get(code);
    if (!location) throw new ProblemException('UNKNOWN_LOCATION', `No location ${code}`);
    if (location.organisationCode !== principal.org && !hasOversight(principal)) {
      throw new ProblemException('FORBIDDEN', `Location ${code} is not one of ${principal.org}'s`);
    }
    return location;
  }

  /** The unit action the bizStep (and disposition) name, or the one the scanner chose. */
  private action(dto: ScanBatchDto, principal: Principal): UnitAction {
    const eventType = dto.parent === undefined ? 'ObjectEvent' : 'AggregationEvent';
    const candidates = (['ADD', 'OBSERVE', 'DELETE'] as const).flatMap((action) =>
      actionsForEpcis({ eventType, action, bizStep: dto.bizStep, disposition: dto.disposition }),
    );
    if (candidates.length === 0) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        `${dto.bizStep}${dto.disposition ? `/${dto.disposition}` : ''} is no ${eventType === 'ObjectEvent' ? 'pack' : 'packing'} event the ledger tracks`,
      );
    }
    const dispositions = new Set(candidates.map((a) => ACTION_RULES[a].epcis.disposition));
    if (dto.action === undefined && dto.disposition === undefined && dispositions.size > 1) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        `bizStep ${dto.bizStep} needs a disposition: one of ${[...dispositions].filter(Boolean).join(', ')}`,
      );
    }
    const chosen = chooseAction(candidates, dto.action, principal);
    if (typeof chosen === 'string' && !candidates.includes(chosen as UnitAction)) {
      throw new ProblemException('VALIDATION_FAILED', chosen);
    }
    return chosen as UnitAction;
  }

  private tooMany(n: number): never {
    throw new ProblemException(
      'PAYLOAD_TOO_LARGE',
      `A batch may hold ${this.cfg.ingest.scanBatchMax} scans; this one holds ${n}`,
    );
  }
}
