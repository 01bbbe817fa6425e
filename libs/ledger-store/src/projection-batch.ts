import type { LedgerEventInput } from '@trace/queue';
import { canCopy, copyIn, encodedOrNull } from './binary-copy';
import type { SqlExecutor } from './sql-executor';
import { gated, SqlParams, WriteGate } from './sql-params';
import {
  applyStockDeltas,
  COPY_UNIT_EVENTS,
  COPY_UNITS,
  encodeUnitEvents,
  encodeUnits,
  insertUnitEvents,
  stockDeltaSql,
  StockDelta,
  unitEventsInsertSql,
  unitKey,
  UnitRow,
  unitsInsertSql,
  unitsUpdateSql,
  writeUnits,
} from './unit-projection-store';

/** New units and unit index rows as binary COPY data, or null where SQL must do it. */
interface EncodedProjections {
  units: Buffer | null;
  unitEvents: Buffer | null;
}

type ProjectedEvent = Pick<LedgerEventInput, 'action' | 'units' | 'refs' | 'context'>;

/**
 * The projection changes of one batch of entries, gathered in memory and written with a
 * handful of statements. Used by the sequencer and by the rebuild, so both derive exactly
 * the same projections from the same entries.
 */
export class ProjectionBatch {
  private readonly changed = new Map<string, UnitRow>();
  private readonly before = new Map<string, UnitRow | undefined>();
  private readonly unitEvents: { gtin: string; serial: string; index: number }[] = [];
  private readonly approvalUse = new Map<string, number>();
  private readonly aliases: { alias: string; gtin: string; serial: string; index: number }[] = [];
  private encoded: EncodedProjections | null = null;

  /** `units` is the working state: accepted updates are applied to it as they come. */
  constructor(private readonly units: Map<string, UnitRow>) {}

  accepted(event: ProjectedEvent, index: number, updates: UnitRow[]): void {
    this.concerned(event, index);
    for (const update of updates) {
      const key = unitKey(update.gtin, update.serial);
      if (!this.before.has(key)) this.before.set(key, this.units.get(key));
      this.units.set(key, update);
      this.changed.set(key, update);
    }
    // A Chinese trace code applied in the bonded warehouse: an alias, not a new unit.
    const cnCode = event.context?.cnCode;
    if (
      event.action === 'APPLY_CN_CODE' &&
      typeof cnCode === 'string' &&
      event.units.length === 1
    ) {
      this.aliases.push({ alias: cnCode, ...event.units[0], index });
    }
    const approvalNo = event.refs?.approvalNo;
    // A unit released to the hospital counts once towards the approval's quantity.
    if (approvalNo && event.action === 'SHIP') {
      this.approvalUse.set(
        approvalNo,
        (this.approvalUse.get(approvalNo) ?? 0) + event.units.length,
      );
    }
  }

  /** A refused event still belongs to the custody history of the packs it named. */
  refused(event: ProjectedEvent, index: number): void {
    this.concerned(event, index);
  }

  /** The units this batch changed, as they now are. */
  changedUnits(): ReadonlyMap<string, UnitRow> {
    return this.changed;
  }

  /**
   * Puts the working state back as it was before this batch: its decision was abandoned
   * midway, to be made again from the same inputs.
   */
  undo(): void {
    for (const [key, unit] of this.before) {
      if (unit === undefined) this.units.delete(key);
      else this.units.set(key, unit);
    }
  }

  /**
   * Encodes the inserts as COPY data now, so that the sequencer can do it before it takes
   * the tree-state lock. `write` encodes for itself if this was not called.
   */
  encode(): EncodedProjections {
    this.encoded = {
      units: encodedOrNull(() => encodeUnits(this.split().created)),
      unitEvents: encodedOrNull(() => encodeUnitEvents(this.unitEvents)),
    };
    return this.encoded;
  }

  async write(db: SqlExecutor): Promise<void> {
    await this.writeInserts(db);
    await this.writeUpdates(db);
  }

  /**
   * The rows only this batch can write: units it creates and its unit index rows. No other
   * batch's rows collide with them, so the sequencer writes them before the tree-state lock.
   */
  async writeInserts(db: SqlExecutor): Promise<void> {
    const { created } = this.split();
    const encoded = canCopy(db) ? (this.encoded ?? this.encode()) : null;
    if (!encoded?.units) await writeUnits(db, created, []);
    else if (created.length > 0) await copyIn(db, COPY_UNITS, encoded.units);
    if (!encoded?.unitEvents) await insertUnitEvents(db, this.unitEvents);
    else if (this.unitEvents.length > 0) await copyIn(db, COPY_UNIT_EVENTS, encoded.unitEvents);
  }

  /** The rows batches share: changed units, stock counts, aliases, approvals' use. */
  async writeUpdates(db: SqlExecutor): Promise<void> {
    await writeUnits(db, [], this.split().updated);
    await applyStockDeltas(db, this.stockDeltas());
    for (const statement of this.bookkeepingSql()) {
      const p = new SqlParams();
      await db.query(statement(p, null), p.values);
    }
  }

  /** Rows the batch writes to the units or the unit index, whichever is more. */
  get unitRows(): number {
    return Math.max(this.changed.size, this.unitEvents.length);
  }

  /** Every write of the batch as statement parts sharing `p`, for one gated statement. */
  sqlParts(p: SqlParams, gate: WriteGate): string[] {
    const { created, updated } = this.split();
    const parts: string[] = [];
    if (created.length > 0) parts.push(unitsInsertSql(p, created, gate));
    if (updated.length > 0) parts.push(unitsUpdateSql(p, updated, gate));
    if (this.unitEvents.length > 0) parts.push(unitEventsInsertSql(p, this.unitEvents, gate));
    for (const statement of stockDeltaSql(this.stockDeltas())) parts.push(statement(p, gate));
    for (const statement of this.bookkeepingSql()) parts.push(statement(p, gate));
    return parts;
  }

  /** Aliases applied and approval quantities used. */
  private bookkeepingSql(): ((p: SqlParams, gate: WriteGate) => string)[] {
    const statements: ((p: SqlParams, gate: WriteGate) => string)[] = [];
    const aliases = this.aliases;
    if (aliases.length > 0) {
      // The first application of a code wins; the service refuses a code already in use.
      statements.push(
        (p, gate) =>
          `INSERT INTO unit_aliases (alias, gtin, serial, applied_index)
           SELECT k.* FROM ${gated(gate)}${p.unnest(aliases, [
             ['alias', 'text', (a) => a.alias],
             ['gtin', 'text', (a) => a.gtin],
             ['serial', 'text', (a) => a.serial],
             ['applied_index', 'bigint', (a) => a.index],
           ])}
           ON CONFLICT DO NOTHING`,
      );
    }
    const use = this.approvalUse;
    if (use.size > 0) {
      statements.push(
        (p, gate) =>
          `UPDATE approvals a SET used = a.used + k.n
             FROM ${gated(gate)}${p.unnest(
               [...use],
               [
                 ['approval_no', 'text', ([approvalNo]) => approvalNo],
                 ['n', 'int', ([, n]) => n],
               ],
             )}
            WHERE a.approval_no = k.approval_no`,
      );
    }
    return statements;
  }

  private split(): { created: UnitRow[]; updated: UnitRow[] } {
    const created: UnitRow[] = [];
    const updated: UnitRow[] = [];
    for (const [key, unit] of this.changed) (this.before.get(key) ? updated : created).push(unit);
    return { created, updated };
  }

  private concerned(event: ProjectedEvent, index: number) {
    if (event.units.length === 1) {
      const u = event.units[0];
      this.unitEvents.push({ gtin: u.gtin, serial: u.serial, index });
      return;
    }
    // A pack named twice in one event is indexed once (COPY has no ON CONFLICT).
    const seen = new Set<string>();
    for (const u of event.units) {
      const key = unitKey(u.gtin, u.serial);
      if (seen.has(key)) continue;
      seen.add(key);
      this.unitEvents.push({ gtin: u.gtin, serial: u.serial, index });
    }
  }

  private stockDeltas(): StockDelta[] {
    const deltas: StockDelta[] = [];
    const push = (u: UnitRow, delta: number) =>
      deltas.push({
        custodianOrg: u.custodianOrg,
        locationCode: u.locationCode,
        gtin: u.gtin,
        lot: u.lot,
        state: u.state,
        delta,
      });
    for (const [key, now] of this.changed) {
      const was = this.before.get(key);
      if (was) push(was, -1);
      push(now, +1);
    }
    return deltas;
  }
}
