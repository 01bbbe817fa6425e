import { isChinaDrugTraceCode, parseChinaDrugTraceCode } from './china-drug-code';

describe('China drug traceability code', () => {
  it('splits product code, serial and check digits, and marks special drugs', () => {
    expect(parseChinaDrugTraceCode('89123456789012345678')).toEqual({
      code: '89123456789012345678',
      productCode: '8912345',
      serial: '678901234',
      checkDigits: '5678',
      specialDrug: true,
    });
    expect(parseChinaDrugTraceCode('81234567890123456789')?.specialDrug).toBe(false);
  });

  it('checks the shape only: 20 digits starting with 8', () => {
    for (const bad of [
      '71234567890123456789',
      '8123456789012345678',
      '812345678901234567890',
      '8123456789012345678X',
    ]) {
      expect(isChinaDrugTraceCode(bad)).toBe(false);
      expect(parseChinaDrugTraceCode(bad)).toBeNull();
    }
  });
});
