import { AppConfig, loadAppConfig } from '@trace/config';
import { ensureRolesAndDatabase, runMigrations, withDatabase } from '@trace/database';
import { deleteQueueKeys } from '@trace/queue';
import { Client, Pool } from 'pg';
import { onInterrupt } from './service-process';

/**
 * A throw-away database for one benchmark run, migrated like production, and a Redis key
 * prefix for its services' queues; `drop` removes both.
 */
export async function createBenchDatabase(): Promise<{
  cfg: AppConfig;
  pool: Pool;
  ownerPool: Pool;
  redisPrefix: string;
  drop(): Promise<void>;
}> {
  const name = `trace_bench_${Date.now().toString(36)}`;
  const redisPrefix = `bench-${Date.now().toString(36)}`;
  const cfg = loadAppConfig({ ...process.env, DATABASE_NAME: name });
  await ensureRolesAndDatabase(cfg.database);
  await runMigrations(cfg.database);
  const db = cfg.database;
  const pool = new Pool({
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
    password: db.password,
    max: 4,
  });
  // The naive baseline needs its own table: only the owner may create one.
  const ownerPool = new Pool({
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.ownerUser,
    password: db.ownerPassword,
    max: 4,
  });
  // Idle clients are cut when the database is dropped at the end: not an error of the run.
  pool.on('error', () => undefined);
  ownerPool.on('error', () => undefined);
  const remove = async () => {
    await pool.end().catch(() => undefined);
    await ownerPool.end().catch(() => undefined);
    await deleteQueueKeys(cfg.redis, redisPrefix);
    const admin = new Client({ connectionString: withDatabase(db.adminUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  const forget = onInterrupt(remove);
  return {
    cfg,
    pool,
    ownerPool,
    redisPrefix,
    drop: async () => {
      forget();
      await remove();
    },
  };
}

/** BEGIN … COMMIT on one pooled connection: the sequencer's transaction runner. */
export function poolTransactions(pool: Pool) {
  return async <T>(
    work: (db: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => Promise<T>,
  ) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
}

/**
 * The server settings a run's numbers depend on, as SHOW prints them: results from servers set
 * up differently are not compared as if they were alike.
 */
export async function postgresSettings(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; shown: string }>(
    `SELECT name, current_setting(name) AS shown FROM pg_settings WHERE name = ANY($1::text[])
      ORDER BY name`,
    [
      [
        'shared_buffers',
        'max_wal_size',
        'checkpoint_timeout',
        'synchronous_commit',
        'wal_sync_method',
      ],
    ],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.shown]));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

let lastLine = Date.now();
let phaseName = 'starting';
let phaseStarted = Date.now();

/** Starts a phase of a run: says so on stderr; the heartbeat names it while it runs. */
export function phase(text: string): void {
  process.stderr.write(`${text}\n`);
  phaseName = text.replace(/…$/, '');
  phaseStarted = lastLine = Date.now();
}

/**
 * One line a second while a run is alive: a phase's own progress when it reports some,
 * otherwise the phase and how long it has taken so far.
 */
export function startHeartbeat(): () => void {
  const timer = setInterval(() => {
    if (Date.now() - lastLine < 1000) return;
    lastLine = Date.now();
    process.stderr.write(`  ${phaseName}: ${Math.round((lastLine - phaseStarted) / 1000)} s\n`);
  }, 200);
  timer.unref();
  return () => clearInterval(timer);
}

/** One line a second on stderr, so a long run shows how far it is. */
export function progress(label: string): { tick(done: number, total: number): void; end(): void } {
  let last = 0;
  return {
    tick(done, total) {
      if (Date.now() - last < 1000) return;
      last = lastLine = Date.now();
      process.stderr.write(`  ${label}: ${done}/${total}\n`);
    },
    end() {
      last = 0;
    },
  };
}
