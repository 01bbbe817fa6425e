import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'approvals' })
export class ApprovalEntity {
  @PrimaryColumn({ name: 'approval_no', type: 'text' })
  approvalNo: string;

  @Column({ type: 'text' })
  gtin: string;

  /** The designated medical institution (a HOSPITAL organisation). */
  @Column({ name: 'institution_code', type: 'text' })
  institutionCode: string;

  /** Set for a per-patient approval (pseudonymous reference only). */
  @Column({ name: 'patient_ref', type: 'text', nullable: true })
  patientRef: string | null;

  @Column({ type: 'text', array: true })
  indications: string[];

  @Column({ type: 'integer' })
  quantity: number;

  /** Units counted against the approval; maintained by the ledger sequencer. */
  @Column({ type: 'integer', default: 0 })
  used: number;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date' })
  validTo: string;

  @Column({ name: 'issued_by', type: 'text' })
  issuedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
