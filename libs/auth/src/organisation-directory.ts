import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { OrganisationType } from '@trace/domain';
import { DataSource } from 'typeorm';

const TTL_MS = 60_000;

/**
 * Organisation types by code, for the guard's role/organisation check. Types never change
 * once created, so found entries are cached; misses are not (a new organisation works at once).
 */
@Injectable()
export class OrganisationDirectory {
  private readonly cache = new Map<string, { type: OrganisationType; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async typeOf(code: string): Promise<OrganisationType | null> {
    const hit = this.cache.get(code);
    if (hit && hit.until > Date.now()) return hit.type;
    const rows: { type: OrganisationType }[] = await this.dataSource.query(
      'SELECT type FROM organisations WHERE code = $1',
      [code],
    );
    if (rows.length === 0) return null;
    this.cache.set(code, { type: rows[0].type, until: Date.now() + TTL_MS });
    return rows[0].type;
  }
}
