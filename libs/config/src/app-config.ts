import { registerAs } from '@nestjs/config';
import { loadOrCreateDevSecrets } from './dev-secrets';
import { EnvironmentVariables, validateEnvironment } from './environment';

export type ServiceName =
  'ingest-api' | 'warehouse-api' | 'dispensing-api' | 'regulator-api' | 'ledger-writer' | 'cli';

export interface DatabaseConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  ownerUser: string;
  ownerPassword: string;
  adminUrl: string;
  poolSize: number;
}

export interface RedisConfig {
  host: string;
  port: number;
  password?: string;
  prefix: string;
}

export interface HttpConfig {
  host: string;
  ports: Record<Exclude<ServiceName, 'cli'>, number>;
  bodyLimitBytes: number;
}

export interface AuthConfig {
  jwtSecret: string;
  issuer: string;
  ttl: string;
}

export interface LedgerConfig {
  origin: string;
  /** Unset in development until the ledger generates its dev key into secretsFile. */
  signingKey?: string;
  secretsFile: string;
  batchMaxEvents: number;
  batchMaxWaitMs: number;
  /** Largest bulk batch while interactive events (dispenses) are about. */
  batchMaxEventsWhileInteractive: number;
  pipelineDepthWhileInteractive: number;
  workerConcurrency: number;
  pipelineDepth: number;
  checkpointIntervalMs: number;
}

export interface IngestConfig {
  captureMaxEvents: number;
  scanBatchMax: number;
  redeliverAfterMs: number;
  recoveryIntervalMs: number;
}

export interface PatientKeysConfig {
  /** Unset in development until `cli migrate` generates them into secretsFile. */
  dataKey?: string;
  refKey?: string;
  secretsFile: string;
}

export interface AppConfig {
  env: EnvironmentVariables['NODE_ENV'];
  logLevel: string;
  database: DatabaseConfig;
  redis: RedisConfig;
  http: HttpConfig;
  auth: AuthConfig;
  ledger: LedgerConfig;
  ingest: IngestConfig;
  patients: PatientKeysConfig;
}

/** The one place that turns the environment into typed configuration. */
export function loadAppConfig(env: Record<string, unknown> = process.env): AppConfig {
  const v = validateEnvironment(env);
  const jwtSecret = v.JWT_SECRET ?? loadOrCreateDevSecrets(v.SECRETS_FILE).jwtSecret;
  return {
    env: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    database: {
      host: v.DATABASE_HOST,
      port: v.DATABASE_PORT,
      database: v.DATABASE_NAME,
      user: v.DATABASE_USER,
      password: v.DATABASE_PASSWORD,
      ownerUser: v.DATABASE_OWNER_USER,
      ownerPassword: v.DATABASE_OWNER_PASSWORD,
      adminUrl: v.DATABASE_ADMIN_URL,
      poolSize: v.DATABASE_POOL_SIZE,
    },
    redis: {
      host: v.REDIS_HOST,
      port: v.REDIS_PORT,
      password: v.REDIS_PASSWORD,
      prefix: v.REDIS_PREFIX,
    },
    http: {
      host: v.HTTP_HOST,
      ports: {
        'ingest-api': v.INGEST_API_PORT,
        'warehouse-api': v.WAREHOUSE_API_PORT,
        'dispensing-api': v.DISPENSING_API_PORT,
        'regulator-api': v.REGULATOR_API_PORT,
        'ledger-writer': v.LEDGER_WRITER_PORT,
      },
      bodyLimitBytes: v.HTTP_BODY_LIMIT_BYTES,
    },
    auth: { jwtSecret, issuer: v.JWT_ISSUER, ttl: v.JWT_TTL },
    ledger: {
      origin: v.LEDGER_ORIGIN,
      signingKey: v.LEDGER_SIGNING_KEY,
      secretsFile: v.SECRETS_FILE,
      batchMaxEvents: v.LEDGER_BATCH_MAX_EVENTS,
      batchMaxWaitMs: v.LEDGER_BATCH_MAX_WAIT_MS,
      batchMaxEventsWhileInteractive: v.LEDGER_BATCH_MAX_EVENTS_WHILE_INTERACTIVE,
      pipelineDepthWhileInteractive: v.LEDGER_PIPELINE_DEPTH_WHILE_INTERACTIVE,
      workerConcurrency: v.LEDGER_WORKER_CONCURRENCY,
      pipelineDepth: v.LEDGER_PIPELINE_DEPTH,
      checkpointIntervalMs: v.LEDGER_CHECKPOINT_INTERVAL_MS,
    },
    patients: {
      dataKey: v.PATIENT_DATA_KEY,
      refKey: v.PATIENT_REF_KEY,
      secretsFile: v.SECRETS_FILE,
    },
    ingest: {
      captureMaxEvents: v.INGEST_CAPTURE_MAX_EVENTS,
      scanBatchMax: v.INGEST_SCAN_BATCH_MAX,
      redeliverAfterMs: v.INGEST_REDELIVER_AFTER_MS,
      recoveryIntervalMs: v.INGEST_RECOVERY_INTERVAL_MS,
    },
  };
}

/** Nest's typed config namespace: inject with `@Inject(appConfig.KEY) cfg: AppConfig`. */
export const appConfig = registerAs('app', (): AppConfig => loadAppConfig(process.env));
