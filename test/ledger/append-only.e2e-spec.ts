import { withDatabase } from '@trace/database';
import { createTestEnvironment, databaseClient, TestEnvironment } from '@trace/testing';
import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** The ledger's evidence tables refuse every change but INSERT, whoever asks. */
describe('ledger tables are append-only in the database', () => {
  let env: TestEnvironment;
  let app: Client;
  let superuser: Client;

  beforeAll(async () => {
    env = await createTestEnvironment();
    const db = env.cfg.database;
    app = databaseClient(env.cfg, 'app');
    await app.connect();
    superuser = new Client({ connectionString: withDatabase(db.adminUrl, db.database) });
    await superuser.connect();
    const entry = Buffer.from('{"v":1}');
    const leaf = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), entry]))
      .digest();
    await app.query(
      `INSERT INTO ledger_entries (idx, event_id, entry_type, action, event_time, recorded_at, actor_org, entry, leaf_hash)
       VALUES (0, 'e-0', 'event', 'ANNOUNCE', now(), now(), 'REG', $1, $2)`,
      [entry, leaf],
    );
    await app.query(
      `INSERT INTO ledger_checkpoints (tree_size, root, note) VALUES (1, $1, 'note')`,
      [leaf],
    );
  });

  afterAll(async () => {
    await app?.end();
    await superuser?.end();
    await env?.teardown();
  });

  const refused = async (client: Client, sql: string) => {
    await expect(client.query(sql)).rejects.toThrow(
      /append-only|permission denied|must be superuser|must be owner|privilege/,
    );
  };

  it.each([
    ['ledger_entries', 'action'],
    ['ledger_checkpoints', 'note'],
  ])('%s: the service login may not UPDATE, DELETE or TRUNCATE', async (table, column) => {
    await refused(app, `UPDATE ${table} SET ${column} = ${column}`);
    await refused(app, `DELETE FROM ${table}`);
    await refused(app, `TRUNCATE ${table}`);
    await refused(app, `ALTER TABLE ${table} DISABLE TRIGGER ALL`);
  });

  it('the service login cannot switch to replica mode to skip triggers', async () => {
    await refused(app, `SET session_replication_role = replica`);
    await refused(app, `DELETE FROM ledger_entries`);
  });

  it('even a superuser in replica mode hits the ENABLE ALWAYS triggers', async () => {
    await superuser.query(`SET session_replication_role = replica`);
    try {
      await refused(superuser, `DELETE FROM ledger_entries`);
      await refused(superuser, `UPDATE ledger_entries SET action = 'X'`);
      await refused(superuser, `TRUNCATE ledger_entries`);
      await refused(superuser, `DELETE FROM ledger_checkpoints`);
    } finally {
      await superuser.query(`SET session_replication_role = origin`);
    }
    const { rows } = await superuser.query(`SELECT count(*)::int AS n FROM ledger_entries`);
    expect(rows[0].n).toBe(1);
  });

  it('the service login may not create objects in the schema', async () => {
    await refused(app, `CREATE TABLE sneaky (id int)`);
  });
});
