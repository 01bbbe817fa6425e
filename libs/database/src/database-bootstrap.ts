import type { DatabaseConfig } from '@trace/config';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database-options';
import { APP_PRIVILEGES_ROLE } from './database-roles';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Creates what migrations cannot create for themselves: the owner and service logins, the
 * privileges role and the database. Idempotent; needs a superuser (DATABASE_ADMIN_URL).
 */
export async function ensureRolesAndDatabase(db: DatabaseConfig): Promise<void> {
  const admin = new Client({ connectionString: db.adminUrl });
  await admin.connect();
  try {
    // Roles are cluster-wide: serialise concurrent bootstraps (parallel test workers).
    await admin.query('SELECT pg_advisory_lock(7263001)');
    await ensureRole(admin, APP_PRIVILEGES_ROLE, null);
    await ensureRole(admin, db.ownerUser, db.ownerPassword);
    await ensureRole(admin, db.user, db.password);
    await admin.query(`GRANT ${quoteIdent(APP_PRIVILEGES_ROLE)} TO ${quoteIdent(db.user)}`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
    if (exists.rowCount === 0) {
      await admin.query(
        `CREATE DATABASE ${quoteIdent(db.database)} OWNER ${quoteIdent(db.ownerUser)}`,
      );
    }
    await admin.query(
      `REVOKE ALL ON DATABASE ${quoteIdent(db.database)} FROM PUBLIC; GRANT CONNECT ON DATABASE ${quoteIdent(db.database)} TO ${quoteIdent(APP_PRIVILEGES_ROLE)}`,
    );
    await admin.query('SELECT pg_advisory_unlock(7263001)');
  } finally {
    await admin.end();
  }
  // The public schema belongs to the owner so that the service login cannot create objects.
  const asAdmin = new Client({ connectionString: withDatabase(db.adminUrl, db.database) });
  await asAdmin.connect();
  try {
    await asAdmin.query(
      `ALTER SCHEMA public OWNER TO ${quoteIdent(db.ownerUser)}; REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO ${quoteIdent(APP_PRIVILEGES_ROLE)}`,
    );
  } finally {
    await asAdmin.end();
  }
}

async function ensureRole(client: Client, name: string, password: string | null) {
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  if (found.rowCount) return;
  const login = password === null ? 'NOLOGIN' : `LOGIN PASSWORD ${quoteLiteral(password)}`;
  try {
    await client.query(`CREATE ROLE ${quoteIdent(name)} ${login}`);
  } catch (err) {
    // Another process created it between our check and our CREATE.
    if ((err as { code?: string }).code !== '42710') throw err;
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs pending migrations as the owner login; returns the names applied. */
export async function runMigrations(db: DatabaseConfig): Promise<string[]> {
  const ds = new DataSource(buildDataSourceOptions(db, 'owner', 'trace-ledger-migrate'));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
