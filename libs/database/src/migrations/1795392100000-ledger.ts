import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_PRIVILEGES_ROLE } from '../database-roles';

/**
 * The ledger, owned by ledger-writer. Evidence tables (entries, checkpoints) are append-only
 * for the service role: it has SELECT and INSERT only, and triggers declared ENABLE ALWAYS
 * refuse UPDATE, DELETE and TRUNCATE even under session_replication_role = replica.
 * Tree tiles and the tree state are derived data (the offline verifier recomputes them).
 */
export class Ledger1795392100000 implements MigrationInterface {
  name = 'Ledger1795392100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_entries (
        idx bigint PRIMARY KEY CHECK (idx >= 0),
        event_id text NOT NULL UNIQUE,
        entry_type text NOT NULL CHECK (entry_type IN ('event', 'alert')),
        action text NOT NULL,
        refusal_code text,
        event_time timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_org text NOT NULL,
        entry bytea NOT NULL,
        leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
      )`);
    await q.query(`
      CREATE TABLE ledger_checkpoints (
        tree_size bigint PRIMARY KEY CHECK (tree_size >= 0),
        root bytea NOT NULL CHECK (length(root) = 32),
        note text NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Interior nodes in tiles of 256 hashes per tree level (C2SP tlog-tiles layout, but every
    // level stored): a proof is one indexed read of at most ~2·log2(n) tiles.
    await q.query(`
      CREATE TABLE ledger_tree_tiles (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
        tile_index bigint NOT NULL CHECK (tile_index >= 0),
        hashes bytea NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
        PRIMARY KEY (level, tile_index)
      )`);
    await q.query(`
      CREATE TABLE ledger_tree_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        tree_size bigint NOT NULL,
        root bytea NOT NULL,
        compact_range bytea[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `INSERT INTO ledger_tree_state (id, tree_size, root, compact_range) VALUES (1, 0, sha256(''::bytea), '{}')`,
    );

    await q.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['ledger_entries', 'ledger_checkpoints']) {
      await q.query(
        `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
      );
      // Fires even with session_replication_role = replica.
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_change`);
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_truncate`);
      await q.query(`REVOKE ALL ON ${table} FROM PUBLIC`);
      await q.query(`GRANT SELECT, INSERT ON ${table} TO ${APP_PRIVILEGES_ROLE}`);
    }
    await q.query(
      `GRANT SELECT, INSERT, UPDATE ON ledger_tree_tiles, ledger_tree_state TO ${APP_PRIVILEGES_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE ledger_tree_state, ledger_tree_tiles, ledger_checkpoints, ledger_entries`,
    );
    await q.query(`DROP FUNCTION ledger_refuse_change()`);
  }
}
