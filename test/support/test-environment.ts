import { AppConfig, loadAppConfig } from '@trace/config';
import { formatPrivateKey, generateSigner } from '@trace/ledger';
import { ensureRolesAndDatabase, runMigrations, withDatabase } from '@trace/database';
import { deleteQueueKeys } from '@trace/queue';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const TEST_JWT_SECRET = 'test-secret-for-end-to-end-suites-only-0123456789';

export interface TestEnvironment {
  cfg: AppConfig;
  /** Drops the database and deletes the Redis keys this environment created. */
  teardown(): Promise<void>;
}

/**
 * A database of its own (migrated, as production is) and a Redis key prefix of its own for
 * one test file, so files run in parallel and leave nothing behind. Sets process.env so that
 * apps built afterwards in this file read the same settings.
 */
export async function createTestEnvironment(
  overrides: Record<string, string> = {},
): Promise<TestEnvironment> {
  const suffix = `${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_NAME: `trace_test_${suffix}`,
    REDIS_PREFIX: `trace-test-${suffix}`,
    JWT_SECRET: TEST_JWT_SECRET,
    // Each environment signs with its own key: parallel workers never share a generated file.
    LEDGER_ORIGIN: 'trace-ledger.test/log',
    LEDGER_SIGNING_KEY: formatPrivateKey(generateSigner('trace-ledger.test/log')),
    PATIENT_DATA_KEY: randomBytes(32).toString('base64'),
    PATIENT_REF_KEY: randomBytes(32).toString('base64'),
    ...overrides,
  });
  const cfg = loadAppConfig();
  await ensureRolesAndDatabase(cfg.database);
  await runMigrations(cfg.database);
  return {
    cfg,
    teardown: async () => {
      await dropDatabase(cfg);
      await deleteRedisKeys(cfg);
    },
  };
}

async function dropDatabase(cfg: AppConfig) {
  const admin = new Client({ connectionString: withDatabase(cfg.database.adminUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${cfg.database.database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function deleteRedisKeys(cfg: AppConfig) {
  await deleteQueueKeys(cfg.redis, cfg.redis.prefix);
}

/** A connection to the test database as the service login or as the schema owner. */
export function databaseClient(cfg: AppConfig, login: 'app' | 'owner'): Client {
  const db = cfg.database;
  return new Client({
    host: db.host,
    port: db.port,
    database: db.database,
    user: login === 'owner' ? db.ownerUser : db.user,
    password: login === 'owner' ? db.ownerPassword : db.password,
  });
}
