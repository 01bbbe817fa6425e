import {
  actionsForEpcis,
  ErrorCode,
  RECORD_ACTION,
  isUnitAction,
  TRACE_VOCABULARY,
  TRACE_VOCABULARY_PREFIX,
  UnitAction,
} from '@trace/domain';
import { parseScan, sgtinUrnToGtin, urnToSscc } from '@trace/identifiers';
import type { LedgerEventInput, LedgerRefs, UnitRef } from '@trace/queue';

/** Who sends the event, as the ledger records it. */
export interface EventActor {
  sub: string;
  org: string;
  roles: string[];
}

export type MappedEvent =
  { ok: true; event: LedgerEventInput } | { ok: false; code: ErrorCode; detail: string };

type Json = Record<string, unknown>;

const BIZSTEP_PREFIXES = ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'];
const DISPOSITION_PREFIXES = ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-'];
const HOSPITAL_ROLES = new Set(['pharmacist', 'clinician']);
/** Our extension member naming the action where one encoding fits several (`tl:action`). */
export const ACTION_EXTENSION = `${TRACE_VOCABULARY_PREFIX}:action`;

/** Where an event lists the EPCs it concerns. */
const EPC_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];

const ILMD_LOT = ['cbvmda:lotNumber', 'urn:epcglobal:cbv:mda:lotNumber'];
const ILMD_EXPIRY = ['cbvmda:itemExpirationDate', 'urn:epcglobal:cbv:mda:itemExpirationDate'];

/** CBV short name of a bizStep or disposition given short, as URN or as GS1 web URI. */
export function cbvShortName(value: unknown, prefixes: string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  for (const prefix of prefixes) if (value.startsWith(prefix)) return value.slice(prefix.length);
  if (value.startsWith(TRACE_VOCABULARY)) {
    return `${TRACE_VOCABULARY_PREFIX}:${value.slice(TRACE_VOCABULARY.length)}`;
  }
  return value;
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const fail = (code: ErrorCode, detail: string): MappedEvent => ({ ok: false, code, detail });

/** The identifier an EPC names: a serialised pack, a logistic unit, or neither. */
export function readEpc(epc: string): { unit: UnitRef } | { sscc: string } | { error: string } {
  if (epc.startsWith('urn:epc:id:sgtin:')) {
    const sgtin = sgtinUrnToGtin(epc);
    return sgtin ? { unit: { gtin: sgtin.gtin, serial: sgtin.serial } } : { error: 'bad SGTIN' };
  }
  if (epc.startsWith('urn:epc:id:sscc:')) {
    const sscc = urnToSscc(epc);
    return sscc ? { sscc } : { error: 'bad SSCC' };
  }
  if (/^https?:\/\//.test(epc)) {
    const scan = parseScan(epc);
    if (!scan.valid) return { error: scan.detail ?? 'invalid GS1 Digital Link' };
    if (scan.sscc) return { sscc: scan.sscc };
    if (scan.gtin && scan.serial) {
      return {
        unit: {
          gtin: scan.gtin,
          serial: scan.serial,
          ...(scan.lot ? { lot: scan.lot } : {}),
          ...(scan.expiry ? { expiry: scan.expiry } : {}),
        },
      };
    }
    return { error: 'a Digital Link without a serial names no pack' };
  }
  return { error: 'not an SGTIN, SSCC or GS1 Digital Link' };
}

/** Lot and expiry the manufacturer states in the ILMD (CBV master data attributes). */
function ilmdOf(event: Json): { lot?: string; expiry?: string } {
  const ilmd = event.ilmd;
  if (!ilmd || typeof ilmd !== 'object') return {};
  const record = ilmd as Json;
  const pick = (keys: string[]) => keys.map((k) => str(record[k])).find(Boolean);
  const expiry = pick(ILMD_EXPIRY);
  return {
    lot: pick(ILMD_LOT),
    expiry: expiry && /^\d{4}-\d{2}-\d{2}/.test(expiry) ? expiry.slice(0, 10) : expiry,
  };
}

/** The last segment of a business transaction or party URI: the number people use. */
function lastSegment(value: string): string {
  const parts = value.split(/[:/]/);
  return parts[parts.length - 1] || value;
}

function refsOf(event: Json): LedgerRefs {
  const refs: LedgerRefs = {};
  const list = Array.isArray(event.bizTransactionList) ? event.bizTransactionList : [];
  for (const item of list as Json[]) {
    const type = cbvShortName(item?.type, [
      'urn:epcglobal:cbv:btt:',
      'https://ref.gs1.org/cbv/BTT-',
    ]);
    const value = str(item?.bizTransaction);
    if (!value || !type) continue;
    const id = lastSegment(value);
    if (type === 'desadv') refs.shipmentId = id;
    else if (type === `${TRACE_VOCABULARY_PREFIX}:customs_declaration`) refs.declarationNo = id;
    else if (type === `${TRACE_VOCABULARY_PREFIX}:approval`) refs.approvalNo = id;
    else if (type === `${TRACE_VOCABULARY_PREFIX}:prescription`) refs.prescriptionId = id;
  }
  return refs;
}

function destinationOf(event: Json): string | undefined {
  const list = Array.isArray(event.destinationList) ? event.destinationList : [];
  for (const item of list as Json[]) {
    const type = cbvShortName(item?.type, [
      'urn:epcglobal:cbv:sdt:',
      'https://ref.gs1.org/cbv/SDT-',
    ]);
    const value = str(item?.destination);
    if (value && (type === 'owning_party' || type === 'possessing_party')) {
      return lastSegment(value);
    }
  }
  return undefined;
}

/**
 * Picks the action among those sharing the event's encoding: the `tl:action` member when the
 * sender names one, else transfers for hospitals and the first listed (release, receipt at
 * the hospital) for everyone else.
 */
export function chooseAction(
  candidates: UnitAction[],
  named: unknown,
  actor: EventActor,
): UnitAction | string {
  if (named !== undefined) {
    if (!isUnitAction(named) || !candidates.includes(named)) {
      return `${ACTION_EXTENSION} ${JSON.stringify(named)} does not fit this event (fits: ${candidates.join(', ')})`;
    }
    return named;
  }
  if (candidates.length === 1) return candidates[0];
  const hospital = actor.roles.some((r) => HOSPITAL_ROLES.has(r));
  const transfer = candidates.find((a) => a.startsWith('TRANSFER_'));
  return hospital && transfer ? transfer : candidates[0];
}

export interface MappingInput {
  event: Json;
  eventId: string;
  actor: EventActor;
  /** Location code of a readPoint/bizLocation id (SGLN or code), undefined when unknown. */
  locationOf: (id: string) => string | undefined;
  captureId: string;
  atomicGroup?: string;
}

/**
 * One EPCIS 2.0 event (already schema-valid) as the sequencer's input: which unit action it
 * is, which packs and containers it names, with the references and context the rules need.
 */
export function mapEpcisEvent(input: MappingInput): MappedEvent {
  const { event, actor } = input;
  const eventType = String(event.type);
  const epcs = EPC_LISTS.flatMap((list) => (Array.isArray(event[list]) ? event[list] : []));
  // Business transactions, transformations and events about unserialised quantities or
  // sensors change no pack's state: the ledger keeps them as evidence (RECORD).
  const recordOnly =
    eventType === 'TransactionEvent' ||
    eventType === 'TransformationEvent' ||
    (eventType === 'ObjectEvent' && epcs.length === 0);
  let chosen: string;
  if (recordOnly) {
    chosen = RECORD_ACTION;
  } else {
    const epcisAction = String(event.action);
    const bizStep = cbvShortName(event.bizStep, BIZSTEP_PREFIXES);
    const disposition = cbvShortName(event.disposition, DISPOSITION_PREFIXES);
    if (!bizStep) {
      return fail(
        'VALIDATION_FAILED',
        'the ledger needs a bizStep to know what happened to the packs',
      );
    }
    const candidates = actionsForEpcis({ eventType, action: epcisAction, bizStep, disposition });
    if (candidates.length === 0) {
      return fail(
        'VALIDATION_FAILED',
        `${eventType} ${epcisAction} ${bizStep}${disposition ? `/${disposition}` : ''} is no unit event the ledger tracks`,
      );
    }
    const action = chooseAction(candidates, event[ACTION_EXTENSION], actor);
    if (!isUnitAction(action)) return fail('VALIDATION_FAILED', action);
    chosen = action;
  }

  const units: UnitRef[] = [];
  const containers: string[] = [];
  const ilmd = ilmdOf(event);
  for (const epc of epcs) {
    const read = readEpc(String(epc));
    if ('error' in read) return fail('BARCODE_INVALID', `${String(epc)}: ${read.error}`);
    if ('sscc' in read) {
      containers.push(read.sscc);
      continue;
    }
    units.push({
      ...read.unit,
      ...(ilmd.lot && !read.unit.lot ? { lot: ilmd.lot } : {}),
      ...(ilmd.expiry && !read.unit.expiry ? { expiry: ilmd.expiry } : {}),
    });
  }
  const context: Record<string, unknown> = {};
  if (eventType === 'AggregationEvent' || eventType === 'AssociationEvent') {
    const parent = str(event.parentID);
    const sscc = parent ? readEpc(parent) : undefined;
    if (!sscc || !('sscc' in sscc)) {
      return fail('VALIDATION_FAILED', 'parentID must be the SSCC of a case or pallet');
    }
    context.parent = sscc.sscc;
    containers.unshift(sscc.sscc);
  }
  if (!recordOnly && units.length === 0 && containers.length === 0) {
    return fail(
      'VALIDATION_FAILED',
      'the event names no serialised pack (quantities are not traced per pack)',
    );
  }
  const where =
    str((event.bizLocation as Json | undefined)?.id) ??
    str((event.readPoint as Json | undefined)?.id);
  if (where) {
    const code = input.locationOf(where);
    if (!code) return fail('UNKNOWN_LOCATION', `location ${where} is not in master data`);
    context.locationCode = code;
  }
  const destinationOrg = destinationOf(event);
  if (destinationOrg) context.destinationOrg = destinationOrg;

  const epcis: Json = { ...event };
  if (epcis.eventID === undefined) epcis.eventID = input.eventId;
  return {
    ok: true,
    event: {
      eventId: input.eventId,
      action: chosen,
      eventTime: String(event.eventTime),
      actor: { sub: actor.sub, org: actor.org, roles: [...actor.roles] },
      epcis,
      units,
      ...(containers.length > 0 ? { containers } : {}),
      refs: { ...refsOf(event), captureId: input.captureId },
      context,
      ...(input.atomicGroup ? { atomicGroup: input.atomicGroup } : {}),
    },
  };
}
