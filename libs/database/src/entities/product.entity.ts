import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type ProductKind = 'DRUG' | 'DEVICE';
export type ProductRoute =
  'ORAL' | 'EXTERNAL' | 'SUBCUTANEOUS' | 'INTRAMUSCULAR' | 'INTRAVENOUS' | 'OTHER';
export type ProductStatus = 'ACTIVE' | 'SUSPENDED';

const numeric = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

@Entity({ name: 'products' })
export class ProductEntity {
  /** GTIN-14 (shorter GTINs are stored left-padded). */
  @PrimaryColumn({ type: 'text' })
  gtin: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: ProductKind;

  /** GS1 Company Prefix length: the GTIN alone does not tell it (needed for EPC URNs). */
  @Column({ name: 'gcp_length', type: 'smallint' })
  gcpLength: number;

  @Column({ name: 'dosage_form', type: 'text' })
  dosageForm: string;

  @Column({ type: 'text' })
  route: ProductRoute;

  @Column({
    name: 'storage_min_c',
    type: 'numeric',
    precision: 5,
    scale: 1,
    nullable: true,
    transformer: numeric,
  })
  storageMinC: number | null;

  @Column({
    name: 'storage_max_c',
    type: 'numeric',
    precision: 5,
    scale: 1,
    nullable: true,
    transformer: numeric,
  })
  storageMaxC: number | null;

  @Column({ type: 'boolean', default: false })
  implantable: boolean;

  @Column({ type: 'text', default: 'ACTIVE' })
  status: ProductStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
