import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'locations' })
export class LocationEntity {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ name: 'organisation_code', type: 'text' })
  organisationCode: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  sgln: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
