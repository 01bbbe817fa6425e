import { DomainUnitEventEvaluator } from './domain-unit-event-evaluator';
import { unitKey, UnitRow } from './unit-projection-store';

const unit: UnitRow = {
  gtin: '09506000134352',
  serial: 'S1',
  lot: 'L1',
  expiry: '2028-12-31',
  state: 'BONDED_STOCK',
  previousState: 'BONDED_PENDING',
  custodianOrg: 'BW',
  locationCode: 'BW-A',
  parent: null,
  holdReason: null,
  declarationNo: 'D1',
  approvalNo: 'A1',
  shipmentId: null,
  destinationOrg: null,
  patientRef: null,
  prescriptionId: null,
  dispensedAt: null,
  dispensedBy: null,
  lastIndex: 4,
  updatedAt: '2026-06-01T00:00:00.000Z',
};
const units = new Map([[unitKey(unit.gtin, unit.serial), unit]]);
const event = (action: string, context: Record<string, unknown>) => ({
  eventId: 'e1',
  action,
  eventTime: '2026-06-01T10:00:00.000Z',
  actor: { sub: 'w1', org: 'BW', roles: ['warehouse_operator'] },
  units: [{ gtin: unit.gtin, serial: unit.serial }],
  context,
});
const evaluator = new DomainUnitEventEvaluator();

describe('DomainUnitEventEvaluator', () => {
  it('refuses a destruction without two different witnesses', () => {
    const same = evaluator.evaluate(
      event('DESTROY', { executor: 'ann', supervisor: 'ann' }),
      units,
      5,
      'now',
    );
    expect(same).toMatchObject({ accepted: false, code: 'DESTRUCTION_WITNESS_REQUIRED' });
    const none = evaluator.evaluate(event('DESTROY', { executor: 'ann' }), units, 5, 'now');
    expect(none).toMatchObject({ accepted: false, code: 'DESTRUCTION_WITNESS_REQUIRED' });
    const ok = evaluator.evaluate(
      event('DESTROY', { executor: 'ann', supervisor: 'bo' }),
      units,
      5,
      'now',
    );
    expect(ok).toMatchObject({ accepted: true, updates: [{ state: 'DESTROYED', lastIndex: 5 }] });
  });

  it('passes the customs release the producer stated to the rules', () => {
    const held = evaluator.evaluate(
      event('SHIP', { destinationOrg: 'HOSP', customsReleased: false }),
      units,
      5,
      'now',
    );
    expect(held).toMatchObject({ accepted: false, code: 'CUSTOMS_NOT_RELEASED' });
  });
});
