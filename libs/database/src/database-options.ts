import type { DatabaseConfig } from '@trace/config';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export type DatabaseLogin = 'app' | 'owner';

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
    },
  };
}
