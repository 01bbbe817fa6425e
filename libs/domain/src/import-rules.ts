import { utcDateOf } from './expiry';
import { Approval, checkApprovalCovers } from './licence-rules';
import type { RuleRefusal } from './master-data-rules';

/** One line of an import declaration: a lot of a product and the serials the maker sent. */
export interface DeclaredItem {
  gtin: string;
  lot: string;
  /** 'YYYY-MM-DD' */
  expiry: string;
  serials: readonly string[];
}

export interface ImportDeclarationCheck {
  approval: Approval | null | undefined;
  /** Known products by GTIN. */
  products: ReadonlyMap<string, { status: 'ACTIVE' | 'SUSPENDED' }>;
  items: readonly DeclaredItem[];
  /** Units earlier declarations already drew on the approval. */
  alreadyDeclared: number;
  /** ISO 8601 instant of the declaration. */
  at: string;
}

const refusal = (code: RuleRefusal['code'], detail: string): RuleRefusal => ({ code, detail });

/**
 * Whether an importer may declare these packs against this approval. In order: every product
 * is known (UNKNOWN_PRODUCT) and not suspended (PRODUCT_SUSPENDED); no lot has expired by the
 * day of declaration (EXPIRED); no serial is named twice (DUPLICATE_CODE_USE); the approval
 * exists, is for that product and valid on the day (NO_VALID_APPROVAL) and the units declared
 * against it so far plus these stay within its quantity (QUOTA_EXCEEDED). The approval names
 * the hospital; the importer brings the goods in for it, so the institution is not checked.
 */
export function checkImportDeclaration(check: ImportDeclarationCheck): RuleRefusal | null {
  const today = utcDateOf(check.at);
  if (today === null) return refusal('VALIDATION_FAILED', `${check.at} is not a time`);
  const seen = new Set<string>();
  let units = 0;
  for (const item of check.items) {
    const product = check.products.get(item.gtin);
    if (!product) return refusal('UNKNOWN_PRODUCT', `GTIN ${item.gtin} is not in master data`);
    if (product.status !== 'ACTIVE') {
      return refusal('PRODUCT_SUSPENDED', `Product ${item.gtin} is suspended`);
    }
    if (item.expiry < today) {
      return refusal('EXPIRED', `Lot ${item.lot} of ${item.gtin} expired on ${item.expiry}`);
    }
    for (const serial of item.serials) {
      const key = `${item.gtin}/${serial}`;
      if (seen.has(key)) return refusal('DUPLICATE_CODE_USE', `${key} is declared twice`);
      seen.add(key);
    }
    units += item.serials.length;
  }
  for (const item of check.items) {
    const covered = checkApprovalCovers({
      approval: check.approval ? { ...check.approval, used: check.alreadyDeclared } : null,
      gtin: item.gtin,
      institutionCode: check.approval?.institutionCode ?? '',
      quantity: units,
      at: check.at,
    });
    if (covered) return covered;
  }
  return null;
}
