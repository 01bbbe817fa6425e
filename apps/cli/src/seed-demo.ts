import type { DatabaseConfig } from '@trace/config';
import { buildDataSourceOptions } from '@trace/database';
import { DataSource } from 'typeorm';
import { DEMO_APPROVALS, DEMO_LOCATIONS, DEMO_ORGANISATIONS, DEMO_PRODUCTS } from './demo-dataset';

/** Loads the demo master data as the service login; running it twice changes nothing. */
export async function seedDemo(db: DatabaseConfig): Promise<Record<string, number>> {
  const ds = new DataSource(buildDataSourceOptions(db, 'app', 'trace-ledger-seed'));
  await ds.initialize();
  try {
    return await ds.transaction(async (tx) => {
      const insert = async (table: string, rows: readonly object[]) => {
        if (rows.length === 0) return 0;
        const result = await tx
          .createQueryBuilder()
          .insert()
          .into(table)
          .values(rows as never)
          .orIgnore()
          .execute();
        return result.identifiers.filter(Boolean).length;
      };
      return {
        organisations: await insert('organisations', DEMO_ORGANISATIONS),
        locations: await insert('locations', DEMO_LOCATIONS),
        products: await insert('products', DEMO_PRODUCTS),
        approvals: await insert(
          'approvals',
          DEMO_APPROVALS.map((a) => ({
            ...a,
            indications: [...a.indications],
            issuedBy: 'seed-demo',
          })),
        ),
      };
    });
  } finally {
    await ds.destroy();
  }
}
