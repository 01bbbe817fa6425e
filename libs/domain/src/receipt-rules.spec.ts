import { compareReceipt } from './receipt-rules';

const d = (serial: string, lot = 'L1') => ({ gtin: 'G', serial, lot });

describe('compareReceipt', () => {
  it('sorts scans into received, missing and unexpected (undeclared or under another lot)', () => {
    const result = compareReceipt(
      [d('1'), d('2'), d('3'), d('4', 'L2')],
      [d('1'), { gtin: 'G', serial: '2' }, d('9'), d('4', 'L1'), d('1')],
    );
    expect(result.received.map((p) => p.serial)).toEqual(['1', '2']);
    expect(result.missing).toEqual([d('3')]);
    expect(result.unexpected).toEqual([
      { ...d('9'), reason: 'UNDECLARED' },
      { ...d('4', 'L1'), reason: 'LOT_MISMATCH', declaredLot: 'L2' },
    ]);
  });

  it('treats another product with the same serial as undeclared', () => {
    const result = compareReceipt([d('1')], [{ gtin: 'H', serial: '1', lot: 'L1' }]);
    expect(result.unexpected[0].reason).toBe('UNDECLARED');
    expect(result.missing).toEqual([d('1')]);
  });
});
