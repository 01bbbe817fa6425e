import {
  Approval,
  ApprovalUse,
  checkApprovalCovers,
  checkDestructionWitnesses,
  checkStorageRange,
  checkTakeOut,
  checkTakeOutCycle,
  firstExcursion,
  MAX_TAKEOUT_DAYS,
  PRODUCT_ROUTES,
  remainingQuantity,
  takeOutSupplyOnHand,
  takeOutsStillSupplying,
  TAKEOUT_REFILL_TOLERANCE_DAYS,
} from './licence-rules';

const approval: Approval = {
  approvalNo: 'HN-2026-001',
  gtin: '09506000134352',
  institutionCode: 'HOSP',
  indications: ['Severe asthma', 'COPD'],
  quantity: 10,
  used: 7,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
};
const use: ApprovalUse = {
  approval,
  gtin: '09506000134352',
  institutionCode: 'HOSP',
  patientRef: 'P1',
  indication: 'severe asthma ',
  quantity: 1,
  at: '2026-06-01T10:00:00Z',
};
const codeOf = (change: Partial<ApprovalUse>) => checkApprovalCovers({ ...use, ...change })?.code;

describe('checkApprovalCovers', () => {
  it('accepts a use the approval covers (indication compared without case)', () => {
    expect(checkApprovalCovers(use)).toBeNull();
  });

  it('validity days are inclusive, in UTC', () => {
    expect(codeOf({ at: '2026-01-01T00:00:00Z' })).toBeUndefined();
    expect(codeOf({ at: '2026-12-31T23:59:59Z' })).toBeUndefined();
    expect(codeOf({ at: '2025-12-31T23:59:59Z' })).toBe('NO_VALID_APPROVAL');
    expect(codeOf({ at: '2027-01-01T00:00:00Z' })).toBe('NO_VALID_APPROVAL');
    // 07:00 on 1 January in Hainan is still 31 December in UTC.
    expect(codeOf({ at: '2026-01-01T07:00:00+08:00' })).toBe('NO_VALID_APPROVAL');
    expect(codeOf({ at: 'whenever' })).toBe('VALIDATION_FAILED');
  });

  it('the quota may be reached exactly, not exceeded', () => {
    expect(codeOf({ quantity: 3 })).toBeUndefined();
    expect(codeOf({ quantity: 4 })).toBe('QUOTA_EXCEEDED');
    expect(remainingQuantity(approval)).toBe(3);
    expect(remainingQuantity({ quantity: 1, used: 5 })).toBe(0);
  });

  it.each([
    ['no approval', { approval: null }, 'NO_VALID_APPROVAL'],
    ['another product', { gtin: '09506000134369' }, 'NO_VALID_APPROVAL'],
    ['revoked', { approval: { ...approval, status: 'REVOKED' as const } }, 'NO_VALID_APPROVAL'],
    ['suspended', { approval: { ...approval, status: 'SUSPENDED' as const } }, 'NO_VALID_APPROVAL'],
    ['another institution', { institutionCode: 'HOSP-2' }, 'NOT_DESIGNATED_INSTITUTION'],
    ['an unapproved indication', { indication: 'Eczema' }, 'INDICATION_NOT_APPROVED'],
    ['consent not on file', { consentRecorded: false }, 'PATIENT_CONSENT_MISSING'],
    ['a zero quantity', { quantity: 0 }, 'VALIDATION_FAILED'],
    ['a fractional quantity', { quantity: 1.5 }, 'VALIDATION_FAILED'],
  ] as [string, Partial<ApprovalUse>, string][])('refuses %s', (_what, change, code) => {
    expect(codeOf(change)).toBe(code);
  });

  it('a per-patient approval covers that patient only', () => {
    const perPatient = { ...approval, patientRef: 'P1' };
    expect(codeOf({ approval: perPatient })).toBeUndefined();
    expect(codeOf({ approval: perPatient, patientRef: 'P2' })).toBe('NO_VALID_APPROVAL');
    expect(codeOf({ approval: perPatient, patientRef: undefined })).toBe('NO_VALID_APPROVAL');
    expect(codeOf({ patientRef: 'P2' })).toBeUndefined();
  });

  it('leaves the indication unchecked when the use names none (release to a hospital)', () => {
    expect(codeOf({ indication: undefined })).toBeUndefined();
  });

  it('checks in the documented order', () => {
    const everythingWrong: Partial<ApprovalUse> = {
      institutionCode: 'HOSP-2',
      indication: 'Eczema',
      quantity: 99,
      consentRecorded: false,
    };
    expect(codeOf({ ...everythingWrong, at: '2030-01-01' })).toBe('NO_VALID_APPROVAL');
    expect(codeOf(everythingWrong)).toBe('NOT_DESIGNATED_INSTITUTION');
    expect(codeOf({ ...everythingWrong, institutionCode: 'HOSP' })).toBe('PATIENT_CONSENT_MISSING');
    expect(codeOf({ indication: 'Eczema', quantity: 99 })).toBe('INDICATION_NOT_APPROVED');
  });
});

describe('take-out', () => {
  it.each(PRODUCT_ROUTES)('route %s', (route) => {
    const allowed = ['ORAL', 'EXTERNAL', 'SUBCUTANEOUS'].includes(route);
    expect(checkTakeOut({ route, days: 7 })?.code).toBe(
      allowed ? undefined : 'TAKEOUT_NOT_PERMITTED',
    );
  });

  it('at most four weeks of supply', () => {
    expect(MAX_TAKEOUT_DAYS).toBe(28);
    expect(checkTakeOut({ route: 'ORAL', days: 28 })).toBeNull();
    expect(checkTakeOut({ route: 'ORAL', days: 29 })?.code).toBe('TAKEOUT_QUANTITY_EXCEEDED');
    expect(checkTakeOut({ route: 'ORAL', days: 0 })?.code).toBe('VALIDATION_FAILED');
  });
});

describe('take-out cycle', () => {
  const first = { at: '2026-06-01T09:00:00Z', days: 28 };

  it('counts the supply still on hand, consuming refills one after another', () => {
    expect(takeOutSupplyOnHand([], '2026-06-10')).toBe(0);
    expect(takeOutSupplyOnHand([first], '2026-06-01T18:00:00Z')).toBe(28);
    expect(takeOutSupplyOnHand([first], '2026-06-27')).toBe(2);
    expect(takeOutSupplyOnHand([first], '2026-08-01')).toBe(0);
    const refill = { at: '2026-06-27T09:00:00Z', days: 28 };
    expect(takeOutSupplyOnHand([refill, first], '2026-06-27T10:00:00Z')).toBe(30);
    expect(takeOutSupplyOnHand([first, { at: '2026-07-30', days: 7 }], '2026-06-27')).toBe(2);
  });

  it('names the take-outs whose supply has not run out', () => {
    const refill = { at: '2026-06-27T09:00:00Z', days: 28 };
    const old = { at: '2026-03-01T09:00:00Z', days: 28 };
    expect(takeOutsStillSupplying([], '2026-06-10')).toEqual([]);
    expect(takeOutsStillSupplying([old, first], '2026-06-10')).toEqual([first]);
    // The refill starts when the first supply runs out, so both still supply on 27 June.
    expect(takeOutsStillSupplying([refill, first, old], '2026-06-27T10:00:00Z')).toEqual([
      first,
      refill,
    ]);
    expect(takeOutsStillSupplying([first], '2026-06-29')).toEqual([]);
    expect(takeOutsStillSupplying([first], 'someday')).toEqual([]);
  });

  it(`allows a refill up to ${TAKEOUT_REFILL_TOLERANCE_DAYS} days early`, () => {
    expect(checkTakeOutCycle([], '2026-06-01')).toBeNull();
    expect(checkTakeOutCycle([first], '2026-06-27T08:00:00Z')).toBeNull();
    expect(checkTakeOutCycle([first], '2026-06-29')).toBeNull();
  });

  it('raises TAKEOUT_CYCLE_ANOMALY for an earlier refill', () => {
    const refusal = checkTakeOutCycle([first], '2026-06-26T23:00:00Z');
    expect(refusal).toMatchObject({ code: 'TAKEOUT_CYCLE_ANOMALY' });
    expect(refusal?.detail).toMatch(/3 days/);
    expect(checkTakeOutCycle([first], 'someday')?.code).toBe('VALIDATION_FAILED');
  });

  it('an override with a reason allows it; a blank reason does not', () => {
    expect(
      checkTakeOutCycle([first], '2026-06-10', { reason: 'travelling abroad for 6 weeks' }),
    ).toBeNull();
    expect(checkTakeOutCycle([first], '2026-06-10', { reason: '  ' })?.code).toBe(
      'TAKEOUT_CYCLE_ANOMALY',
    );
  });
});

describe('destruction witnesses', () => {
  it('needs an executor and a different supervisor', () => {
    expect(checkDestructionWitnesses({ executor: 'Li Wei', supervisor: 'Wang Fang' })).toBeNull();
    for (const people of [
      { executor: 'Li Wei' },
      { executor: 'Li Wei', supervisor: ' ' },
      { executor: '', supervisor: 'Wang Fang' },
      { executor: null, supervisor: null },
      { executor: 'Li Wei', supervisor: ' li wei ' },
    ]) {
      expect(checkDestructionWitnesses(people)?.code).toBe('DESTRUCTION_WITNESS_REQUIRED');
    }
  });
});

describe('cold chain', () => {
  const fridge = { storageMinC: 2, storageMaxC: 8 };

  it('the bounds are inside the range', () => {
    expect(checkStorageRange(fridge, 2)).toBeNull();
    expect(checkStorageRange(fridge, 8)).toBeNull();
    expect(checkStorageRange(fridge, 1.9)?.code).toBe('COLD_CHAIN_EXCURSION');
    expect(checkStorageRange(fridge, 8.1)?.code).toBe('COLD_CHAIN_EXCURSION');
  });

  it('a missing bound is no limit; a non-number is not a reading', () => {
    expect(checkStorageRange({ storageMaxC: 25 }, -40)).toBeNull();
    expect(checkStorageRange({ storageMinC: null, storageMaxC: 25 }, 26)?.code).toBe(
      'COLD_CHAIN_EXCURSION',
    );
    expect(checkStorageRange({}, 60)).toBeNull();
    expect(checkStorageRange(fridge, Number.NaN)?.code).toBe('VALIDATION_FAILED');
  });

  it('finds the first excursion in a series of readings', () => {
    const readings = [
      { time: '2026-06-01T00:00:00Z', temperatureC: 5 },
      { time: '2026-06-01T01:00:00Z', temperatureC: Number.NaN },
      { time: '2026-06-01T02:00:00Z', temperatureC: 9 },
      { time: '2026-06-01T03:00:00Z', temperatureC: 12 },
    ];
    expect(firstExcursion(fridge, readings)).toBe(readings[2]);
    expect(firstExcursion(fridge, readings.slice(0, 2))).toBeNull();
  });
});
