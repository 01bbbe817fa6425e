import { parseIsoDate } from './expiry';
import { validateApprovalTerms, validateProductTerms } from './master-data-rules';

const ok = {
  quantity: 10,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  indications: ['asthma'],
};

describe('validateApprovalTerms', () => {
  it('accepts sane terms, including a one-day window', () => {
    expect(validateApprovalTerms(ok)).toBeNull();
    expect(validateApprovalTerms({ ...ok, validTo: ok.validFrom })).toBeNull();
  });

  it.each([
    [{ quantity: 0 }, /positive/],
    [{ quantity: 1.5 }, /positive/],
    [{ quantity: 100_001 }, /small amount/],
    [{ validFrom: '2026-12-31', validTo: '2026-01-01' }, /not be after/],
    [{ validTo: '2026-02-30' }, /real dates/],
    [{ validTo: '2036-01-01' }, /validity window/],
    [{ indications: [] }, /indication/],
    [{ indications: ['  '] }, /indication/],
    [{ indications: ['Asthma', 'asthma'] }, /twice/],
  ])('refuses %j', (change, detail) => {
    const refusal = validateApprovalTerms({ ...ok, ...change });
    expect(refusal?.code).toBe('VALIDATION_FAILED');
    expect(refusal?.detail).toMatch(detail);
  });

  it('parses only real calendar dates', () => {
    expect(parseIsoDate('2024-02-29')).not.toBeNull();
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('2025-1-01')).toBeNull();
  });
});

describe('validateProductTerms', () => {
  it('accepts a cold-chain drug and an implantable device', () => {
    expect(validateProductTerms({ kind: 'DRUG', storageMinC: 2, storageMaxC: 8 })).toBeNull();
    expect(validateProductTerms({ kind: 'DEVICE', implantable: true })).toBeNull();
  });

  it('refuses an inverted storage range and an implantable drug', () => {
    expect(validateProductTerms({ kind: 'DRUG', storageMinC: 8, storageMaxC: 2 })?.detail).toMatch(
      /storageMinC/,
    );
    expect(validateProductTerms({ kind: 'DRUG', implantable: true })?.detail).toMatch(/DEVICE/);
  });
});
