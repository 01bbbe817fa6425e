import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrganisationType } from '@trace/domain';

@Entity({ name: 'organisations' })
export class OrganisationEntity {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: OrganisationType;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
