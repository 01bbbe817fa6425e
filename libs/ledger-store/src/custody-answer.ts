import { NoteVerifier, ReceiptError, verifyReceiptJson } from '@trace/ledger';
import { LedgerEnvelope, parseEnvelope } from './ledger-envelope';

/** One entry of a pack's chain of custody, as the regulator reads it. */
export interface CustodyEvent {
  ledgerIndex: number;
  type: 'event' | 'alert';
  eventId: string;
  action: string;
  eventTime: string;
  recordTime: string;
  bizStep: string | null;
  disposition: string | null;
  locationCode: string | null;
  organisationCode: string;
  actor: { sub: string; org: string; roles: string[] };
  /** Declaration, approval, prescription, shipment… the event referred to. */
  refs: Record<string, string>;
  /** The case or pallet the event went through, when it was recorded on one. */
  via: string | null;
  /** For a correction: the event it corrects. */
  corrects: string | null;
  /** For an alert: why the attempt was refused. */
  refusal: { code: string; detail: string } | null;
  /** With ?proof=true: the exact entry bytes and the inclusion proof to `checkpoint`. */
  receipt?: { entry: string; inclusion: string[] };
}

export interface CustodyAnswer {
  unit: { gtin: string; serial: string; lot: string; expiry: string };
  state: string;
  custodianCode: string;
  locationCode: string | null;
  events: CustodyEvent[];
  /** With ?proof=true: the one signed checkpoint every receipt leads to. */
  checkpoint?: { treeSize: number; note: string };
}

/** What the answer shows of an entry, derived from the entry itself. */
export function custodyEventOf(index: number, envelope: LedgerEnvelope): CustodyEvent {
  const epcis = envelope.epcis as {
    bizStep?: unknown;
    disposition?: unknown;
    parentID?: unknown;
  };
  const context = envelope.context as { locationCode?: unknown; parent?: unknown };
  const refs: Record<string, string> = {};
  for (const [k, v] of Object.entries(envelope.refs ?? {})) {
    if (typeof v === 'string' && k !== 'correctsEventId') refs[k] = v;
  }
  const via =
    typeof context.parent === 'string' ? context.parent : (envelope.containers?.[0] ?? null);
  return {
    ledgerIndex: index,
    type: envelope.type,
    eventId: envelope.eventId,
    action: envelope.action,
    eventTime: envelope.eventTime,
    recordTime: envelope.recordTime,
    bizStep: typeof epcis.bizStep === 'string' ? epcis.bizStep : null,
    disposition: typeof epcis.disposition === 'string' ? epcis.disposition : null,
    locationCode: typeof context.locationCode === 'string' ? context.locationCode : null,
    organisationCode: envelope.actor.org,
    actor: envelope.actor,
    refs,
    via,
    corrects: envelope.refs?.correctsEventId ?? null,
    refusal: envelope.refusal ?? null,
  };
}

export interface VerifiedCustody {
  events: number;
  treeSize: number;
}

/**
 * Checks a custody answer offline: every event's receipt against the one signed checkpoint
 * (signature by a trusted key, inclusion of the entry bytes), and that what the answer says
 * of each event is what its entry says — so the readable part cannot be edited apart from the
 * proven bytes. Events must be in log order, each entry once.
 */
export function verifyCustodyAnswer(
  json: unknown,
  verifiers: readonly NoteVerifier[],
): VerifiedCustody {
  const answer = json as Partial<CustodyAnswer> | null;
  if (!answer || !Array.isArray(answer.events) || typeof answer.checkpoint?.note !== 'string') {
    throw new ReceiptError('custody answer: events and checkpoint are required (ask ?proof=true)');
  }
  let previous = -1;
  let treeSize = 0;
  answer.events.forEach((shown, i) => {
    const where = `events[${i}]`;
    if (!shown.receipt) throw new ReceiptError(`${where}: no receipt`);
    const verified = verifyReceiptJson(
      {
        index: shown.ledgerIndex,
        entry: shown.receipt.entry,
        inclusion: shown.receipt.inclusion,
        checkpoint: answer.checkpoint!.note,
      },
      verifiers,
    );
    treeSize = verified.size;
    if (!(shown.ledgerIndex > previous)) {
      throw new ReceiptError(`${where}: not in log order after index ${previous}`);
    }
    previous = shown.ledgerIndex;
    const envelope = parseEnvelope(verified.entry);
    if (envelope.index !== shown.ledgerIndex) {
      throw new ReceiptError(`${where}: the entry names index ${envelope.index}`);
    }
    const { receipt: _receipt, ...said } = shown;
    const proven = custodyEventOf(shown.ledgerIndex, envelope);
    for (const key of Object.keys(proven) as (keyof CustodyEvent)[]) {
      if (JSON.stringify(said[key as keyof typeof said]) !== JSON.stringify(proven[key])) {
        throw new ReceiptError(`${where}: ${key} differs from the entry it claims to show`);
      }
    }
  });
  return { events: answer.events.length, treeSize };
}
