import { verifyPack } from './pack-verification';
import type { UnitSnapshot } from './unit-state-machine';

const unit = (over: Partial<UnitSnapshot> = {}): UnitSnapshot =>
  ({
    gtin: '09506000134352',
    serial: 'S1',
    lot: 'L1',
    expiry: '2027-03-31',
    state: 'HOSPITAL_STOCK',
    previousState: 'IN_TRANSIT',
    custodianOrg: 'HOSP-1',
    locationCode: null,
    parent: null,
    holdReason: null,
    declarationNo: null,
    approvalNo: null,
    shipmentId: null,
    destinationOrg: null,
    patientRef: null,
    prescriptionId: null,
    dispensedAt: null,
    dispensedBy: null,
    ...over,
  }) as UnitSnapshot;
const at = '2026-11-23T10:00:00+08:00';

describe('verifyPack', () => {
  it('passes a pack in this hospital’s stock whose scan matches its data, with its expiry band', () => {
    const v = verifyPack(unit(), { lot: 'L1', expiry: '2027-03-31' }, 'HOSP-1', at);
    expect(v).toMatchObject({ status: 'OK', band: 'LATER' });
    expect(v.checks.every((c) => c.ok)).toBe(true);
  });

  it.each([
    [unit(), { lot: 'L2' }, 'LOT_MISMATCH'],
    [unit(), { expiry: '2027-04-30' }, 'EXPIRY_MISMATCH'],
    [unit({ expiry: '2026-11-01' }), {}, 'EXPIRED'],
    [unit({ state: 'RECALLED' }), {}, 'RECALLED'],
    [unit({ state: 'QUARANTINED', holdReason: 'cold chain' }), {}, 'ON_HOLD'],
    [unit({ state: 'DISPENSED' }), {}, 'ALREADY_DISPENSED'],
    [unit({ state: 'DESTROYED' }), {}, 'ALREADY_DESTROYED'],
    [unit({ custodianOrg: 'HOSP-2' }), {}, 'WRONG_CUSTODIAN'],
  ])('names the first failing check: %#', (u, scanned, code) => {
    expect(verifyPack(u, scanned, 'HOSP-1', at).status).toBe(code);
  });

  it('compares expiry by year and month only, and keeps the day of the data', () => {
    expect(verifyPack(unit(), { expiry: '2027-03-00' }, 'HOSP-1', at).status).toBe('OK');
    expect(verifyPack(unit({ expiry: '2026-12-15' }), {}, 'HOSP-1', at).band).toBe(
      'WITHIN_30_DAYS',
    );
  });
});
