/**
 * The least a store needs from a connection: TypeORM's QueryRunner / EntityManager and
 * node-postgres clients all fit, so the same code runs in services and in the CLI.
 */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** node-postgres returns `{rows}`, TypeORM returns the rows array: accept both. */
export async function rowsOf<T>(db: SqlExecutor, sql: string, params?: unknown[]): Promise<T[]> {
  const result = await db.query(sql, params);
  return (Array.isArray(result) ? result : result.rows) as T[];
}
