import type { Approval } from '@trace/domain';
import type { EntityManager } from 'typeorm';

/**
 * An approval as the licence rules read it. `forUpdate` locks its row for the transaction, so
 * that concurrent declarations drawing on it count one another.
 */
export async function readApproval(
  db: Pick<EntityManager, 'query'>,
  approvalNo: string,
  forUpdate = false,
): Promise<Approval | null> {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT approval_no, gtin, institution_code, patient_ref, indications, quantity, used,
            to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
       FROM approvals WHERE approval_no = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [approvalNo],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    approvalNo: r.approval_no as string,
    gtin: r.gtin as string,
    institutionCode: r.institution_code as string,
    patientRef: r.patient_ref as string | null,
    indications: r.indications as string[],
    quantity: Number(r.quantity),
    used: Number(r.used),
    validFrom: r.valid_from as string,
    validTo: r.valid_to as string,
  };
}
