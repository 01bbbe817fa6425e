import type { DatabaseConfig } from '@trace/config';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export type DatabaseLogin = 'app' | 'owner';

/**
 * Settings of every session the services open. `backend_flush_after`: pages a session writes
 * out of shared buffers go to disk every 256 kB, instead of piling up in the page cache until
 * the kernel flushes ~30 s of them at once; those bursts (up to 1.5 GB/s here) stalled every
 * commit behind them for 100–400 ms (ADR 0015).
 */
export const SESSION_SETTINGS = '-c backend_flush_after=256kB';

/**
 * The one TypeORM options object, used by Nest and by the migration CLI alike. The services
 * connect as the app login; only migrations connect as the owner.
 */
export function buildDataSourceOptions(
  db: DatabaseConfig,
  login: DatabaseLogin,
  applicationName = 'trace-ledger',
): DataSourceOptions {
  return {
    type: 'postgres',
    host: db.host,
    port: db.port,
    database: db.database,
    username: login === 'owner' ? db.ownerUser : db.user,
    password: login === 'owner' ? db.ownerPassword : db.password,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName,
    extra: {
      max: db.poolSize,
      // Fail fast instead of queueing forever when the database is unreachable.
      connectionTimeoutMillis: 5000,
      options: SESSION_SETTINGS,
    },
  };
}
