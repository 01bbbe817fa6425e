import type { LedgerEventInput } from '@trace/queue';

/**
 * Ledger events for setting up hospital suites: `step` writes one unit action the way the
 * services would, `toHospital` walks a pack from announcement to a hospital — in transit, or
 * received into its stock. Ids carry `prefix`, so suites never collide.
 */
export function ledgerSteps(prefix: string, defaultGtin: string, approvalNo = 'A1') {
  let n = 0;
  const step = (
    action: string,
    org: string,
    role: string,
    serial: string,
    extra: Partial<LedgerEventInput> = {},
    gtin = defaultGtin,
  ): LedgerEventInput => ({
    eventId: `urn:uuid:${prefix}-${++n}`,
    action,
    eventTime: new Date().toISOString(),
    actor: { sub: 'setup', org, roles: [role] },
    epcis: { type: 'ObjectEvent' },
    units: [{ gtin, serial, lot: 'L1', expiry: '2029-06-30' }],
    refs: { declarationNo: 'D1', approvalNo },
    ...extra,
  });
  const toHospital = (
    serial: string,
    hospital: string,
    opts: { received?: boolean; shipmentId?: string; gtin?: string } = {},
  ): LedgerEventInput[] => {
    const gtin = opts.gtin ?? defaultGtin;
    return [
      step('ANNOUNCE', 'IMP-1', 'importer', serial, {}, gtin),
      step('ARRIVE', 'IMP-1', 'importer', serial, {}, gtin),
      step('RECEIVE_BONDED', 'BW-1', 'warehouse_operator', serial, {}, gtin),
      step('INSPECT_CONFORMANT', 'BW-1', 'warehouse_operator', serial, {}, gtin),
      step(
        'SHIP',
        'BW-1',
        'warehouse_operator',
        serial,
        {
          ...(opts.shipmentId ? { refs: { shipmentId: opts.shipmentId } } : {}),
          context: { destinationOrg: hospital, customsReleased: true },
        },
        gtin,
      ),
      ...(opts.received === false
        ? []
        : [step('RECEIVE_HOSPITAL', hospital, 'pharmacist', serial, {}, gtin)]),
    ];
  };
  return { step, toHospital };
}
