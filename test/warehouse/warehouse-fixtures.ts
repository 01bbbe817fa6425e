import { gs1CheckDigit } from '@trace/identifiers';
import {
  createTestEnvironment,
  databaseClient,
  startTestApp,
  TestApp,
  TestEnvironment,
} from '@trace/testing';
import type { Client } from 'pg';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import { WAREHOUSE_API_HTTP } from '../../apps/warehouse-api/src/http-options';
import { WarehouseApiModule } from '../../apps/warehouse-api/src/warehouse-api.module';

const GS = '\u001d';
/** Products of the company prefix 9506000 (check digits valid). */
export const ORAL = '09506000134352';
export const COLD = '09506000134369';

/** GS1 DataMatrix data of a pack as a scanner sends it (expiry 2029-06-30). */
export const packScan = (gtin: string, serial: string, lot: string) =>
  `]d201${gtin}1729063010${lot}${GS}21${serial}`;

/** An SSCC of the same company prefix. */
export function sscc(n: number): string {
  const body = `09506000${String(n).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
}

export interface WarehouseStack {
  env: TestEnvironment;
  writer: TestApp;
  warehouse: TestApp;
  /** The schema owner's connection: seeding and checking projections. */
  db: Client;
  close(): Promise<void>;
}

/** A database of its own with `seedSql` run, the ledger-writer and warehouse-api. */
export async function startWarehouseStack(seedSql: string): Promise<WarehouseStack> {
  const env = await createTestEnvironment({ LEDGER_BATCH_MAX_WAIT_MS: '5' });
  const db = databaseClient(env.cfg, 'owner');
  await db.connect();
  await db.query(seedSql);
  const writer = await startTestApp(env.cfg, LedgerWriterModule, LEDGER_WRITER_HTTP);
  const warehouse = await startTestApp(env.cfg, WarehouseApiModule, WAREHOUSE_API_HTTP);
  return {
    env,
    writer,
    warehouse,
    db,
    close: async () => {
      await db.end();
      await warehouse.close();
      await writer.close();
      await env.teardown();
    },
  };
}
