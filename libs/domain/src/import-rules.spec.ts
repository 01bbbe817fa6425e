import { checkImportDeclaration, ImportDeclarationCheck } from './import-rules';

const approval = {
  approvalNo: 'APP-1',
  gtin: '09506000134352',
  institutionCode: 'HOSP-1',
  indications: ['x'],
  quantity: 10,
  used: 0,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
};
const base: ImportDeclarationCheck = {
  approval,
  products: new Map([
    ['09506000134352', { status: 'ACTIVE' }],
    ['09506000134369', { status: 'SUSPENDED' }],
  ]),
  items: [{ gtin: '09506000134352', lot: 'L1', expiry: '2028-06-30', serials: ['A', 'B'] }],
  alreadyDeclared: 0,
  at: '2026-06-01T10:00:00+08:00',
};
const code = (over: Partial<ImportDeclarationCheck>) =>
  checkImportDeclaration({ ...base, ...over })?.code;

describe('checkImportDeclaration', () => {
  it('accepts packs of the approved product within its quantity, up to it exactly', () => {
    expect(checkImportDeclaration(base)).toBeNull();
    expect(code({ alreadyDeclared: 8 })).toBeUndefined();
  });

  it('refuses in order: unknown or suspended product, expired lot, a serial twice, approval, quota', () => {
    const item = base.items[0];
    expect(code({ items: [{ ...item, gtin: '00000000000000' }] })).toBe('UNKNOWN_PRODUCT');
    expect(code({ items: [{ ...item, gtin: '09506000134369' }] })).toBe('PRODUCT_SUSPENDED');
    expect(code({ items: [{ ...item, expiry: '2026-05-31' }] })).toBe('EXPIRED');
    expect(code({ items: [item, { ...item, lot: 'L2', serials: ['B'] }] })).toBe(
      'DUPLICATE_CODE_USE',
    );
    expect(code({ approval: null })).toBe('NO_VALID_APPROVAL');
    expect(code({ approval: { ...approval, gtin: '09506000134369' } })).toBe('NO_VALID_APPROVAL');
    expect(code({ approval: { ...approval, validTo: '2026-05-31' } })).toBe('NO_VALID_APPROVAL');
    expect(code({ alreadyDeclared: 9 })).toBe('QUOTA_EXCEEDED');
  });

  it('expires a lot at the end of its expiry day, in UTC', () => {
    const item = base.items[0];
    expect(code({ items: [{ ...item, expiry: '2026-06-01' }] })).toBeUndefined();
  });
});
