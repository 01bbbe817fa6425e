/**
 * Numbered parameters for a statement built from parts: each part adds its values and gets
 * their placeholders, so several parts can share one statement (and one round trip).
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** `$n::cast` for `value`, the next parameter. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  /**
   * `unnest($a::…[], $b::…[], …) AS k(a, b, …)`: rows as a set, one array parameter per column
   * (no 65,535-parameter limit, one parse of each array).
   */
  unnest<T>(rows: readonly T[], columns: Column<T>[], alias = 'k'): string {
    const arrays = columns.map(([, cast, value]) => this.add(rows.map(value), `${cast}[]`));
    return `unnest(${arrays.join(', ')}) AS ${alias}(${columns.map(([name]) => name).join(', ')})`;
  }
}

/** A column of SqlParams.unnest: its name, its SQL type, and its value in row `i`. */
export type Column<T> = [name: string, cast: string, value: (row: T, i: number) => unknown];

/**
 * How a write statement's rows are gated: `tree_lock` is the CTE of a one-statement batch
 * that yields a row only when the tree-state row was where the batch was decided; every
 * write joins it, so a batch whose log moved writes nothing at all.
 */
export type WriteGate = 'tree_lock' | null;

/** The gate as the first item of a FROM (or USING) list. */
export const gated = (gate: WriteGate) => (gate ? `${gate}, ` : '');
