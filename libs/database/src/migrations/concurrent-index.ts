import type { QueryRunner } from 'typeorm';

/**
 * Builds an index CONCURRENTLY (in a migration with `transaction = false`), so that writers
 * go on while a large table is indexed. A build that failed leaves an invalid index, which is
 * dropped and built again on the next run; a valid one is kept.
 */
export async function createIndexConcurrently(q: QueryRunner, name: string, definition: string) {
  const [existing] = (await q.query(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [name],
  )) as { valid: boolean }[];
  if (existing?.valid) return;
  if (existing) await q.query(`DROP INDEX CONCURRENTLY ${name}`);
  await q.query(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
}
