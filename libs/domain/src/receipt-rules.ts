/** A pack as declared (data) or as scanned (product); a scan may not show the lot. */
export interface PackRef {
  gtin: string;
  serial: string;
  lot?: string;
}

export type UnexpectedReason = 'UNDECLARED' | 'LOT_MISMATCH';

export interface ReceiptComparison<T extends PackRef> {
  /** Declared and scanned, same lot (or the scan showed none). */
  received: T[];
  /** Declared but not scanned: data without product. */
  missing: PackRef[];
  /** Scanned but not declared (product without data), or declared under another lot. */
  unexpected: (T & { reason: UnexpectedReason; declaredLot?: string })[];
}

const key = (p: PackRef) => `${p.gtin}\u0000${p.serial}`;

/**
 * Compares what arrived with what was declared (domain.md §4: "50 arrive, data covers 48").
 * Each pack scanned once counts once; a serial declared under another lot is unexpected with
 * LOT_MISMATCH — the top cause of false alerts is a lot misread, so it is named, not guessed.
 */
export function compareReceipt<T extends PackRef>(
  declared: readonly PackRef[],
  scanned: readonly T[],
): ReceiptComparison<T> {
  const byKey = new Map(declared.map((d) => [key(d), d]));
  const seen = new Set<string>();
  const out: ReceiptComparison<T> = { received: [], missing: [], unexpected: [] };
  for (const pack of scanned) {
    const k = key(pack);
    if (seen.has(k)) continue;
    seen.add(k);
    const expected = byKey.get(k);
    if (!expected) out.unexpected.push({ ...pack, reason: 'UNDECLARED' });
    else if (pack.lot !== undefined && expected.lot !== undefined && pack.lot !== expected.lot) {
      out.unexpected.push({ ...pack, reason: 'LOT_MISMATCH', declaredLot: expected.lot });
    } else out.received.push(pack);
  }
  for (const d of declared) if (!seen.has(key(d))) out.missing.push(d);
  return out;
}
