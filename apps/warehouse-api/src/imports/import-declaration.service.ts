import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { assertActsFor, hasOversight, Principal } from '@trace/auth';
import {
  ACTION_RULES,
  checkImportDeclaration,
  DeclaredItem,
  RECORD_ACTION,
  TRACE_VOCABULARY_PREFIX,
  UnitAction,
} from '@trace/domain';
import { ProblemException } from '@trace/http';
import { gtinToSgtinUrn, normaliseGtin } from '@trace/identifiers';
import {
  LedgerEventInput,
  LedgerQueueClient,
  LedgerTimeoutError,
  LedgerVerdict,
} from '@trace/queue';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { readApproval } from '@trace/database';
import type { CreateImportDto } from './imports.dto';

export type DeclarationStatus = 'DECLARED' | 'ARRIVED' | 'RELEASED';

export interface DeclarationView {
  declarationNo: string;
  approvalNo: string;
  importerCode: string;
  status: DeclarationStatus;
  declaredUnits: number;
  declaredAt: string;
  arrivedAt: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
}

export interface LedgerOutcome {
  /** Per ledger event: its index, or the code it was refused with. */
  ledger: LedgerVerdict[];
  /** True when the ledger had not answered in time; the events are queued and will be. */
  ledgerPending?: boolean;
}

/** How long a request waits for the ledger's verdicts before answering without them. */
const LEDGER_WAIT_MS = 20_000;
/** The bizTransaction type under which the ledger refers to a customs declaration. */
const DECLARATION_BTT = `${TRACE_VOCABULARY_PREFIX}:customs_declaration`;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

interface StoredUnit {
  gtin: string;
  serial: string;
  lot: string;
  expiry: string;
  approval_no: string;
  gcp_length: number;
}

/**
 * Import declarations: the importer declares the packs the foreign maker sent against an
 * approval (they become ANNOUNCED), reports their arrival at the port (AT_PORT), and customs
 * releases the declaration (recorded in the ledger against every pack, and what shipments to
 * hospitals will require).
 */
@Injectable()
export class ImportDeclarationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerQueueClient,
  ) {}

  async declare(
    dto: CreateImportDto,
    principal: Principal,
  ): Promise<DeclarationView & LedgerOutcome> {
    assertActsFor(principal, dto.importerCode);
    const items: (DeclaredItem & { approvalNo: string })[] = dto.items.map((i) => ({
      ...i,
      gtin: normaliseGtin(i.gtin) as string,
      approvalNo: i.approvalNo ?? dto.approvalNo,
    }));
    const units = items.reduce((n, i) => n + i.serials.length, 0);
    const stored = await this.db.transaction(async (tx) => {
      const products: { gtin: string; status: 'ACTIVE' | 'SUSPENDED' }[] = await tx.query(
        `SELECT gtin, status FROM products WHERE gtin = ANY($1::text[])`,
        [items.map((i) => i.gtin)],
      );
      const at = new Date().toISOString();
      const byApproval = new Map<string, DeclaredItem[]>();
      for (const item of items) {
        byApproval.set(item.approvalNo, [...(byApproval.get(item.approvalNo) ?? []), item]);
      }
      for (const [approvalNo, drawn] of [...byApproval].sort(([a], [b]) => a.localeCompare(b))) {
        // The approval row lock makes concurrent declarations against it count one another.
        const approval = await readApproval(tx, approvalNo, true);
        const declared: { n: string }[] = await tx.query(
          `SELECT count(*) AS n FROM declared_units WHERE approval_no = $1`,
          [approvalNo],
        );
        const refusal = checkImportDeclaration({
          approval,
          products: new Map(products.map((p) => [p.gtin, p])),
          items: drawn,
          alreadyDeclared: Number(declared[0].n),
          at,
        });
        if (refusal) throw new ProblemException(refusal.code, refusal.detail);
      }
      // Serials named twice across items of different approvals.
      const all = checkImportDeclaration({
        approval: null,
        products: new Map(products.map((p) => [p.gtin, p])),
        items,
        alreadyDeclared: 0,
        at,
      });
      if (all?.code === 'DUPLICATE_CODE_USE') throw new ProblemException(all.code, all.detail);
      const exists = await tx.query(`SELECT 1 FROM import_declarations WHERE declaration_no = $1`, [
        dto.declarationNo,
      ]);
      if (exists.length > 0) {
        throw new ProblemException('ALREADY_EXISTS', `Declaration ${dto.declarationNo} exists`);
      }
      const flat = items.flatMap((i) =>
        i.serials.map((serial) => ({
          gtin: i.gtin,
          serial,
          lot: i.lot,
          expiry: i.expiry,
          approvalNo: i.approvalNo,
        })),
      );
      const before: { gtin: string; serial: string }[] = await tx.query(
        `SELECT d.gtin, d.serial FROM unnest($1::text[], $2::text[]) AS k(gtin, serial)
           JOIN declared_units d ON d.gtin = k.gtin AND d.serial = k.serial LIMIT 1`,
        [flat.map((u) => u.gtin), flat.map((u) => u.serial)],
      );
      if (before.length > 0) {
        throw new ProblemException(
          'DUPLICATE_CODE_USE',
          `${before[0].gtin}/${before[0].serial} was declared before`,
        );
      }
      await tx.query(
        `INSERT INTO import_declarations (declaration_no, approval_no, importer_code, declared_units, declared_by)
         VALUES ($1, $2, $3, $4, $5)`,
        [dto.declarationNo, dto.approvalNo, dto.importerCode, units, principal.sub],
      );
      await tx.query(
        `INSERT INTO declared_units (gtin, serial, declaration_no, lot, expiry, approval_no)
         SELECT k.gtin, k.serial, $5, k.lot, k.expiry, k.approval_no
           FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $6::text[])
             AS k(gtin, serial, lot, expiry, approval_no)`,
        [
          flat.map((u) => u.gtin),
          flat.map((u) => u.serial),
          flat.map((u) => u.lot),
          flat.map((u) => u.expiry),
          dto.declarationNo,
          flat.map((u) => u.approvalNo),
        ],
      );
      return (await this.view(tx, dto.declarationNo)) as DeclarationView;
    });
    const outcome = await this.toLedger(await this.events(stored, 'ANNOUNCE', principal));
    return { ...stored, ...outcome };
  }

  async find(declarationNo: string, principal: Principal): Promise<DeclarationView> {
    const view = await this.view(this.db.manager, declarationNo);
    if (view && this.mayRead(view, principal)) return view;
    // An importer gets the same refusal for another importer's declaration as for one that
    // does not exist: whether it exists is that importer's business.
    if (!this.readsEveryDeclaration(principal)) {
      throw new ProblemException('FORBIDDEN', `You act for ${principal.org} only`);
    }
    throw new ProblemException('NOT_FOUND', `No declaration ${declarationNo}`);
  }

  /** The packs are at the port: AT_PORT, once for a declaration. */
  async arrive(
    declarationNo: string,
    principal: Principal,
  ): Promise<DeclarationView & LedgerOutcome> {
    const declaration = await this.find(declarationNo, principal);
    if (!principal.roles.includes('customs_officer')) {
      assertActsFor(principal, declaration.importerCode);
    }
    await this.advance(declarationNo, 'DECLARED', 'ARRIVED', principal);
    const outcome = await this.toLedger(await this.events(declaration, 'ARRIVE', principal));
    return { ...(await this.find(declarationNo, principal)), ...outcome };
  }

  /** Customs clears the declaration: recorded against every pack in the ledger. */
  async release(
    declarationNo: string,
    principal: Principal,
  ): Promise<DeclarationView & LedgerOutcome> {
    const declaration = await this.find(declarationNo, principal);
    await this.advance(declarationNo, 'ARRIVED', 'RELEASED', principal);
    const outcome = await this.toLedger(await this.events(declaration, RECORD_ACTION, principal));
    return { ...(await this.find(declarationNo, principal)), ...outcome };
  }

  private mayRead(view: DeclarationView, principal: Principal): boolean {
    return view.importerCode === principal.org || this.readsEveryDeclaration(principal);
  }

  /** Importers see their own; customs, bonded warehouses and oversight see all declarations. */
  private readsEveryDeclaration(principal: Principal): boolean {
    return (
      hasOversight(principal) ||
      principal.roles.some((r) => r === 'customs_officer' || r === 'warehouse_operator')
    );
  }

  private async advance(
    no: string,
    from: DeclarationStatus,
    to: DeclarationStatus,
    principal: Principal,
  ) {
    const rows: unknown[] = await this.db.query(
      `UPDATE import_declarations
          SET status = $3,
              arrived_at = CASE WHEN $3 = 'ARRIVED' THEN now() ELSE arrived_at END,
              released_at = CASE WHEN $3 = 'RELEASED' THEN now() ELSE released_at END,
              released_by = CASE WHEN $3 = 'RELEASED' THEN $4 ELSE released_by END
        WHERE declaration_no = $1 AND status = $2 RETURNING 1`,
      [no, from, to, principal.sub],
    );
    // TypeORM answers [rows, count] for UPDATE … RETURNING.
    const changed = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
    if (changed === 0) {
      throw new ProblemException(
        'INVALID_STATE_TRANSITION',
        `Declaration ${no} is not ${from.toLowerCase()}: it cannot become ${to.toLowerCase()}`,
      );
    }
  }

  private async view(db: EntityManager, declarationNo: string): Promise<DeclarationView | null> {
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT declaration_no, approval_no, importer_code, status, declared_units,
              to_char(declared_at AT TIME ZONE 'UTC', ${ISO}) AS declared_at,
              to_char(arrived_at AT TIME ZONE 'UTC', ${ISO}) AS arrived_at,
              to_char(released_at AT TIME ZONE 'UTC', ${ISO}) AS released_at, released_by
         FROM import_declarations WHERE declaration_no = $1`,
      [declarationNo],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      declarationNo: r.declaration_no as string,
      approvalNo: r.approval_no as string,
      importerCode: r.importer_code as string,
      status: r.status as DeclarationStatus,
      declaredUnits: Number(r.declared_units),
      declaredAt: r.declared_at as string,
      arrivedAt: (r.arrived_at as string | null) ?? null,
      releasedAt: (r.released_at as string | null) ?? null,
      releasedBy: (r.released_by as string | null) ?? null,
    };
  }

  /** One EPCIS event per declared lot, naming its packs, for the given action. */
  private async events(
    declaration: DeclarationView,
    action: UnitAction | typeof RECORD_ACTION,
    principal: Principal,
  ): Promise<LedgerEventInput[]> {
    const units: StoredUnit[] = await this.db.query(
      `SELECT d.gtin, d.serial, d.lot, to_char(d.expiry, 'YYYY-MM-DD') AS expiry, d.approval_no, p.gcp_length
         FROM declared_units d JOIN products p ON p.gtin = d.gtin
        WHERE d.declaration_no = $1 ORDER BY d.gtin, d.lot, d.serial`,
      [declaration.declarationNo],
    );
    const lots = new Map<string, StoredUnit[]>();
    for (const u of units) {
      const key = `${u.approval_no}/${u.gtin}/${u.lot}`;
      lots.set(key, [...(lots.get(key) ?? []), u]);
    }
    const eventTime = new Date().toISOString();
    const bizTransactionList = [
      {
        type: DECLARATION_BTT,
        bizTransaction: `urn:trace-ledger:declaration:${declaration.declarationNo}`,
      },
    ];
    return [...lots.values()].map((lot) => {
      const eventId = `urn:uuid:${randomUUID()}`;
      const epcList = lot.map((u) => gtinToSgtinUrn(u.gtin, u.serial, Number(u.gcp_length)));
      const epcis =
        action === RECORD_ACTION
          ? {
              type: 'TransactionEvent',
              eventID: eventId,
              eventTime,
              eventTimeZoneOffset: '+08:00',
              action: 'ADD',
              bizStep: `${TRACE_VOCABULARY_PREFIX}:customs_releasing`,
              bizTransactionList,
              epcList,
            }
          : {
              type: ACTION_RULES[action].epcis.eventType,
              eventID: eventId,
              eventTime,
              eventTimeZoneOffset: '+08:00',
              action: ACTION_RULES[action].epcis.action,
              bizStep: ACTION_RULES[action].epcis.bizStep,
              disposition: ACTION_RULES[action].epcis.disposition,
              bizTransactionList,
              epcList,
              ...(action === 'ANNOUNCE'
                ? {
                    ilmd: {
                      'cbvmda:lotNumber': lot[0].lot,
                      'cbvmda:itemExpirationDate': lot[0].expiry,
                    },
                  }
                : {}),
            };
      return {
        eventId,
        action,
        eventTime,
        actor: { sub: principal.sub, org: principal.org, roles: [...principal.roles] },
        epcis,
        units: lot.map((u) => ({ gtin: u.gtin, serial: u.serial, lot: u.lot, expiry: u.expiry })),
        refs: { declarationNo: declaration.declarationNo, approvalNo: lot[0].approval_no },
        context: {},
      };
    });
  }

  private async toLedger(events: LedgerEventInput[]): Promise<LedgerOutcome> {
    try {
      return { ledger: await this.ledger.submitAndWait(events, LEDGER_WAIT_MS) };
    } catch (err) {
      if (err instanceof LedgerTimeoutError) return { ledger: [], ledgerPending: true };
      throw err;
    }
  }
}
