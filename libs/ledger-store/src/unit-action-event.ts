import { ACTION_RULES, PackRef, UnitAction } from '@trace/domain';
import { gtinToSgtinUrn } from '@trace/identifiers';
import type { LedgerEventInput, LedgerRefs } from '@trace/queue';
import { randomUUID } from 'node:crypto';

export interface UnitActionEventOptions {
  /** Defaults to a random UUID; pass a derived one where a retry must be the same event. */
  eventId?: string;
  eventTime?: string;
  location?: { code: string; sgln: string | null };
  refs?: LedgerRefs;
  /** Facts for the rules; `parent` (an SSCC) makes it an aggregation of the packs into it. */
  context?: Record<string, unknown>;
  atomicGroup?: string;
  /** GCP lengths by GTIN, for SGTIN URNs (a Digital Link is written when unknown). */
  gcp?: ReadonlyMap<string, number>;
  /** Extension members of the EPCIS event (namespaced: `tl:…`). */
  extensions?: Record<string, unknown>;
}

/**
 * The ledger event of a unit action on packs, in its EPCIS 2.0 / CBV encoding from the
 * domain's action table: what every service that acts on packs hands the sequencer.
 */
export function unitActionEvent(
  action: UnitAction,
  packs: (PackRef & { expiry?: string })[],
  actor: { sub: string; org: string; roles: readonly string[] },
  opts: UnitActionEventOptions = {},
): LedgerEventInput {
  const eventId = opts.eventId ?? `urn:uuid:${randomUUID()}`;
  const eventTime = opts.eventTime ?? new Date().toISOString();
  const encoding = ACTION_RULES[action].epcis;
  const epcs = packs.map((p) => {
    const length = opts.gcp?.get(p.gtin);
    return length
      ? gtinToSgtinUrn(p.gtin, p.serial, length)
      : `https://id.gs1.org/01/${p.gtin}/21/${encodeURIComponent(p.serial)}`;
  });
  const parent = opts.context?.parent as string | undefined;
  return {
    eventId,
    action,
    eventTime,
    actor: { sub: actor.sub, org: actor.org, roles: [...actor.roles] },
    units: packs.map((p) => ({
      gtin: p.gtin,
      serial: p.serial,
      ...(p.lot ? { lot: p.lot } : {}),
      ...(p.expiry ? { expiry: p.expiry } : {}),
    })),
    refs: opts.refs ?? {},
    context: { ...(opts.location ? { locationCode: opts.location.code } : {}), ...opts.context },
    ...(parent ? { containers: [parent] } : {}),
    ...(opts.atomicGroup ? { atomicGroup: opts.atomicGroup } : {}),
    epcis: {
      type: encoding.eventType,
      eventID: eventId,
      eventTime,
      eventTimeZoneOffset: '+08:00',
      action: encoding.action,
      bizStep: encoding.bizStep,
      ...(encoding.disposition ? { disposition: encoding.disposition } : {}),
      ...(opts.location?.sgln ? { bizLocation: { id: opts.location.sgln } } : {}),
      ...(parent
        ? { parentID: `https://id.gs1.org/00/${parent}`, childEPCs: epcs }
        : { epcList: epcs }),
      ...opts.extensions,
    },
  };
}
