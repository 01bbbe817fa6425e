import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Every setting the services read, with its default for the local PostgreSQL and Redis.
 * Nothing else in the code base reads process.env: a setting that is not declared here
 * does not exist.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Interface the HTTP services bind to; compose sets 0.0.0.0. */
  @IsString()
  @IsNotEmpty()
  HTTP_HOST = '127.0.0.1';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535) INGEST_API_PORT = 3001;
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) WAREHOUSE_API_PORT = 3002;
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) DISPENSING_API_PORT = 3003;
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) REGULATOR_API_PORT = 3004;
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) LEDGER_WRITER_PORT = 3005;

  /** Largest accepted request body, in bytes (bigger bodies get 413). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(256 * 1024 * 1024) HTTP_BODY_LIMIT_BYTES =
    8 * 1024 * 1024;

  @IsString() @IsNotEmpty() DATABASE_HOST = '127.0.0.1';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) DATABASE_PORT = 5432;
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case PostgreSQL identifier' })
  DATABASE_NAME = 'trace_ledger';
  /** Login of the services: SELECT/INSERT only on the ledger's append-only tables. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case PostgreSQL identifier' })
  DATABASE_USER = 'trace_app';
  @IsString() DATABASE_PASSWORD = 'trace_app';
  /** Login that owns the schema and runs migrations; never used by a running service. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case PostgreSQL identifier' })
  DATABASE_OWNER_USER = 'trace_owner';
  @IsString() DATABASE_OWNER_PASSWORD = 'trace_owner';
  /** Superuser connection used only by `cli migrate` to create the roles and the database. */
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
  @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE = 10;

  @IsString() @IsNotEmpty() REDIS_HOST = '127.0.0.1';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) REDIS_PORT = 6379;
  @IsOptional() @IsString() REDIS_PASSWORD?: string;
  /** Key prefix of every queue: lets several deployments or test workers share one Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  REDIS_PREFIX = 'trace';

  /** HS256 secret for bearer tokens; in development generated into SECRETS_FILE. */
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string;
  @IsString() @IsNotEmpty() JWT_ISSUER = 'trace-ledger';
  @Matches(/^\d+[smhd]$/, { message: 'must look like 15m, 8h or 30d' }) JWT_TTL = '8h';

  /** Where development secrets are generated and kept (git-ignored). */
  @IsString() @IsNotEmpty() SECRETS_FILE = '.local/dev-secrets.json';

  /** Name of the log in its signed checkpoints (C2SP origin line). */
  @IsString()
  @Matches(/^[^\s+]+$/, { message: 'must be one word without spaces or +' })
  @MaxLength(200)
  LEDGER_ORIGIN = 'trace-ledger.local/lecheng';
  /** The sequencer commits a batch when it holds this many events… */
  @Transform(toInt) @IsInt() @Min(1) @Max(10000) LEDGER_BATCH_MAX_EVENTS = 1000;
  /** …or this long after the first event of the batch arrived. */
  @Transform(toInt) @IsInt() @Min(0) @Max(5000) LEDGER_BATCH_MAX_WAIT_MS = 10;
  /**
   * While counters are dispensing (interactive events seen in the last 10 s), bulk batches are
   * at most this large: a dispense waits behind no more than this much work per batch in flight.
   * 150, not 100: at 100 the sequencer could not keep up with 5,000 scans/s, and dispenses wait
   * longest while it is behind (ADR 0013).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(10000) LEDGER_BATCH_MAX_EVENTS_WHILE_INTERACTIVE = 150;
  /** Jobs the sequencer takes from the queue at once (they are batched together). */
  @Transform(toInt) @IsInt() @Min(1) @Max(5000) LEDGER_WORKER_CONCURRENCY = 200;
  /** Batches in flight at once: the next is decided while the previous one is written. */
  @Transform(toInt) @IsInt() @Min(1) @Max(4) LEDGER_PIPELINE_DEPTH = 2;
  /** Bulk batches in flight while dispenses are about: one, so a dispense waits behind one. */
  @Transform(toInt) @IsInt() @Min(1) @Max(4) LEDGER_PIPELINE_DEPTH_WHILE_INTERACTIVE = 1;
  /** How often a new checkpoint is signed while the log grows. */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) LEDGER_CHECKPOINT_INTERVAL_MS = 1000;

  /** Most events one EPCIS capture may carry (advertised as GS1-EPCIS-Capture-Limit). */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000) INGEST_CAPTURE_MAX_EVENTS = 10_000;
  /** Most scans one POST /v1/scans may carry. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000) INGEST_SCAN_BATCH_MAX = 10_000;
  /** An accepted capture not fully in the ledger after this long is enqueued again… */
  @Transform(toInt) @IsInt() @Min(1000) @Max(86_400_000) INGEST_REDELIVER_AFTER_MS = 30_000;
  /** …by a sweep that runs this often. */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) INGEST_RECOVERY_INTERVAL_MS = 10_000;

  /** AES-256-GCM key (base64, 32 bytes) for patients' personal data at rest (dispensing-api). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=?$/, { message: 'must be 32 bytes in base64' })
  PATIENT_DATA_KEY?: string;
  /** HMAC key (base64, 32 bytes) that makes the pseudonymous patient reference. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=?$/, { message: 'must be 32 bytes in base64' })
  PATIENT_REF_KEY?: string;

  /** Ed25519 signing key in Go note format: PRIVATE+KEY+<name>+<keyid>+<base64>. */
  @IsOptional()
  @Matches(/^PRIVATE\+KEY\+/, { message: 'must be a PRIVATE+KEY+… note key' })
  LEDGER_SIGNING_KEY?: string;
}

/**
 * Validates and types the environment. Throws one error that names every bad or missing
 * setting, so a misconfigured service stops at start with a message an operator can act on.
 */
export function validateEnvironment(env: Record<string, unknown>): EnvironmentVariables {
  const relevant: Record<string, unknown> = {};
  const declared = Object.keys(new EnvironmentVariables()).concat([
    'REDIS_PASSWORD',
    'JWT_SECRET',
    'LEDGER_SIGNING_KEY',
    'PATIENT_DATA_KEY',
    'PATIENT_REF_KEY',
  ]);
  for (const key of declared) if (env[key] !== undefined) relevant[key] = env[key];
  const parsed = plainToInstance(EnvironmentVariables, relevant);
  const errors = validateSync(parsed, { skipMissingProperties: false });
  const problems = errors.map((e) => {
    const shown = e.property.match(/PASSWORD|SECRET|KEY/) ? '(hidden)' : JSON.stringify(e.value);
    return `  ${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
  });
  if (parsed.NODE_ENV === 'production') {
    for (const required of [
      'JWT_SECRET',
      'LEDGER_SIGNING_KEY',
      'PATIENT_DATA_KEY',
      'PATIENT_REF_KEY',
    ] as const) {
      if (!parsed[required]) problems.push(`  ${required}: is required when NODE_ENV=production`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed;
}
