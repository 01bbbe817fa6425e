/**
 * China drug traceability code (药品追溯码, "码上放心"): 20 digits starting with 8, read as a
 * 7-digit product code, a 9-digit serial and 4 check digits. The check-digit algorithm is not
 * published, so only the shape is checked: a well-shaped code may still be unknown to the
 * platform. Codes starting 89 mark special drugs.
 */
export interface ChinaDrugTraceCode {
  readonly code: string;
  readonly productCode: string;
  readonly serial: string;
  readonly checkDigits: string;
  readonly specialDrug: boolean;
}

const CHINA_DRUG_TRACE_CODE = /^8\d{19}$/;

export function isChinaDrugTraceCode(text: string): boolean {
  return CHINA_DRUG_TRACE_CODE.test(text);
}

export function parseChinaDrugTraceCode(text: string): ChinaDrugTraceCode | null {
  if (!isChinaDrugTraceCode(text)) return null;
  return {
    code: text,
    productCode: text.slice(0, 7),
    serial: text.slice(7, 16),
    checkDigits: text.slice(16),
    specialDrug: text.startsWith('89'),
  };
}
