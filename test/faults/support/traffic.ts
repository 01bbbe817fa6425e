import {
  LEDGER_QUEUE,
  LedgerEventInput,
  LedgerQueueClient,
  redisConnectionOptions,
} from '@trace/queue';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { ledgerSteps } from '../../dispensing/dispensing-fixtures';
import {
  commissioning,
  epcisDocument,
  GTIN,
  IMPORTER,
  IMPORTER_SITE,
  packScan,
  seedIngestMasterData,
} from '../../ingest/ingest-fixtures';
import { fmt } from './fault-log';
import type { FaultStack, HttpAnswer } from './fault-stack';

export { GTIN };
export const HOSPITAL = 'HOSP-1';
export const APPROVAL = 'APP-1';
const GS = '\u001d';
/** A pack of the hospital's stock as the pharmacist scans it (lot L1, expiry 2029-06-30). */
export const stockScan = (serial: string) => `]d201${GTIN}1729063010L1${GS}21${serial}`;

export interface TrafficFixtures {
  prescriptionId: string;
  patientRef: string;
  /** Packs in the hospital's stock, ready to dispense. */
  stock: string[];
  /** Event ids written while setting up (not part of the load). */
  setupEventIds: Set<string>;
}

/**
 * Master data (ingest's importer, site and product; a hospital and its approval) and, with
 * `stockPacks`, packs walked into the hospital's stock through the ledger, a patient and a
 * prescription: what the load needs. Then the ledger-writer and dispensing-api must run.
 */
export async function seedTraffic(stack: FaultStack, stockPacks: number): Promise<TrafficFixtures> {
  const db = await stack.owner.connect();
  try {
    await seedIngestMasterData(db as never);
    await db.query(`
      INSERT INTO organisations (code, name, type) VALUES ('${HOSPITAL}', 'Hospital One', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES ('${HOSPITAL}-PHARM', '${HOSPITAL}', 'Pharmacy');
      INSERT INTO approvals (approval_no, gtin, institution_code, patient_ref, indications, quantity, valid_from, valid_to, issued_by)
        VALUES ('${APPROVAL}', '${GTIN}', '${HOSPITAL}', NULL, '{lung cancer}', 100000, '2026-01-01', '2030-12-31', 'reg');`);
  } finally {
    db.release();
  }
  const { toHospital } = ledgerSteps(`fault-stock-${randomUUID()}`, GTIN, APPROVAL);
  const stock = Array.from({ length: stockPacks }, (_, i) => `D${i}`);
  const events = stock.flatMap((serial) => toHospital(serial, HOSPITAL));
  if (stockPacks === 0) {
    stack.log.action('seeded master data');
    return { prescriptionId: '', patientRef: '', stock, setupEventIds: new Set() };
  }
  await submitToLedger(stack, events);
  const pharmacist = stack.bearer('ph-1', HOSPITAL, 'pharmacist');
  const patient = await stack.http('dispensing-api', 'POST', '/v1/patients', {
    token: pharmacist,
    body: { name: '张伟', nationalId: '460000197001010011', birthDate: '1970-01-01' },
  });
  if (patient.status !== 201) throw new Error(`patient: ${patient.status} ${patient.text}`);
  const prescription = await stack.http('dispensing-api', 'POST', '/v1/prescriptions', {
    token: pharmacist,
    body: {
      patientRef: patient.body.patientRef,
      approvalNo: APPROVAL,
      gtin: GTIN,
      quantity: 10_000,
      indication: 'lung cancer',
      prescriber: 'dr.li',
    },
  });
  if (prescription.status !== 201) {
    throw new Error(`prescription: ${prescription.status} ${prescription.text}`);
  }
  stack.log.action(
    `seeded master data; walked ${fmt(stockPacks)} packs into ${HOSPITAL}'s stock through the ledger (${fmt(events.length)} entries); registered a patient and a prescription`,
  );
  return {
    prescriptionId: prescription.body.prescriptionId,
    patientRef: patient.body.patientRef,
    stock,
    setupEventIds: new Set(events.map((e) => e.eventId)),
  };
}

/**
 * Hands events to the sequencer the way the services do (the ledger queue) and waits for
 * their verdicts; setup only, so a refusal is an error.
 */
export async function submitToLedger(stack: FaultStack, events: LedgerEventInput[]) {
  const queue = new Queue(LEDGER_QUEUE, {
    connection: redisConnectionOptions(stack.cfg.redis),
    prefix: stack.cfg.redis.prefix,
  });
  // Setup submits nothing interactive: the bulk queue stands in for both.
  const ledger = new LedgerQueueClient(queue as never, queue as never);
  try {
    const verdicts = await ledger.submitAndWait(events, 60_000);
    const refused = verdicts.filter((v) => !v.accepted);
    if (refused.length) throw new Error(`setup event refused: ${JSON.stringify(refused[0])}`);
  } finally {
    await ledger.onApplicationShutdown();
    await queue.close();
  }
}

export interface TrafficOptions {
  /** Clients posting scan batches (`POST /v1/scans`) one after the other. */
  scanClients?: number;
  scansPerRequest?: number;
  /** Clients posting EPCIS documents (`POST /epcis/capture`). */
  epcisClients?: number;
  eventsPerDocument?: number;
  /** Pharmacists dispensing packs one at a time (`POST /v1/dispenses`). */
  dispenseClients?: number;
  /** Pause between two requests of one client. */
  pauseMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Real HTTP traffic while a scenario breaks things: commissioning scan batches and EPCIS
 * captures at ingest-api, dispenses at dispensing-api. Records what was accepted (202/201,
 * a promise) and what got no definite answer (the request may or may not have been kept).
 */
export class TrafficLoad {
  /** Serials announced by scan batches answered 202 (and not rejected in the answer). */
  readonly acceptedScanSerials: string[] = [];
  /** EPCIS event ids of documents answered 202, with the serials they commission. */
  readonly acceptedEpcis = new Map<string, string[]>();
  /** Packs dispensed (201) and the ledger index the answer gave. */
  readonly acceptedDispenses = new Map<string, number>();
  readonly refusedDispenses = new Map<string, string>();
  /** Serials and event ids of requests that got no definite answer (network error, 5xx). */
  readonly uncertainSerials = new Set<string>();
  readonly uncertainEventIds = new Set<string>();
  /** "POST /v1/scans 202" → how many. */
  readonly answers = new Map<string, number>();
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  private nextSerial = 0;
  private nextStock = 0;
  private readonly opts: Required<TrafficOptions>;

  constructor(
    private readonly stack: FaultStack,
    private readonly fixtures: TrafficFixtures,
    opts: TrafficOptions = {},
  ) {
    this.opts = {
      scanClients: 2,
      scansPerRequest: 100,
      epcisClients: 1,
      eventsPerDocument: 10,
      dispenseClients: 1,
      pauseMs: 20,
      ...opts,
    };
  }

  get acceptedEvents(): number {
    return this.acceptedScanSerials.length + this.acceptedEpcis.size + this.acceptedDispenses.size;
  }

  start(): this {
    const { scanClients, epcisClients, dispenseClients } = this.opts;
    for (let i = 0; i < scanClients; i++) this.loops.push(this.loop(() => this.postScans()));
    for (let i = 0; i < epcisClients; i++) this.loops.push(this.loop(() => this.postEpcis()));
    for (let i = 0; i < dispenseClients; i++) this.loops.push(this.loop(() => this.dispense()));
    this.stack.log.action(
      `load started: ${scanClients} scan client(s) × ${this.opts.scansPerRequest} scans, ${epcisClients} EPCIS client(s) × ${this.opts.eventsPerDocument} events, ${dispenseClients} dispensing client(s)`,
    );
    return this;
  }

  /** Stops after the requests in flight (a dispense waiting for the ledger is seen through). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    this.stack.log.action(`load stopped: ${this.summary()}`);
  }

  summary(): string {
    const answers = [...this.answers.entries()].map(([k, n]) => `${k}: ${fmt(n)}`).join(', ');
    return `accepted ${fmt(this.acceptedScanSerials.length)} scanned packs, ${fmt(this.acceptedEpcis.size)} EPCIS events, ${fmt(this.acceptedDispenses.size)} dispenses; ${fmt(this.uncertainSerials.size)} packs without a definite answer; answers ${answers}`;
  }

  private async loop(step: () => Promise<boolean>) {
    while (!this.stopping) {
      if (!(await step())) return;
      await sleep(this.opts.pauseMs);
    }
  }

  private count(what: string, res: HttpAnswer | null) {
    const key = `${what} ${res ? res.status : 'no answer'}`;
    this.answers.set(key, (this.answers.get(key) ?? 0) + 1);
  }

  private async send(
    what: string,
    service: string,
    path: string,
    body: unknown,
    token: string,
  ): Promise<HttpAnswer | null> {
    try {
      const res = await this.stack.http(service, 'POST', path, { token, body, timeoutMs: 30_000 });
      this.count(what, res);
      return res;
    } catch {
      this.count(what, null);
      return null;
    }
  }

  private importer = () => this.stack.bearer('scanner-1', IMPORTER, 'importer');

  private async postScans(): Promise<boolean> {
    const serials = Array.from(
      { length: this.opts.scansPerRequest },
      () => `S${this.nextSerial++}`,
    );
    const res = await this.send(
      'POST /v1/scans',
      'ingest-api',
      '/v1/scans',
      {
        bizStep: 'commissioning',
        locationCode: IMPORTER_SITE,
        scans: serials.map((s) => packScan(s)),
      },
      this.importer(),
    );
    if (res?.status === 202) {
      const rejected = new Set<number>(
        (res.body.rejected ?? []).map((r: { index: number }) => r.index),
      );
      serials.forEach((s, i) => (rejected.has(i) ? undefined : this.acceptedScanSerials.push(s)));
    } else if (!res || res.status >= 500) {
      serials.forEach((s) => this.uncertainSerials.add(s));
    }
    return true;
  }

  private async postEpcis(): Promise<boolean> {
    const events = Array.from({ length: this.opts.eventsPerDocument }, () => ({
      id: `urn:uuid:${randomUUID()}`,
      serials: [`E${this.nextSerial++}`, `E${this.nextSerial++}`],
    }));
    const res = await this.send(
      'POST /epcis/capture',
      'ingest-api',
      '/epcis/capture',
      epcisDocument(events.map((e) => commissioning(e.id, e.serials))),
      this.importer(),
    );
    if (res?.status === 202) {
      for (const e of events) this.acceptedEpcis.set(e.id, e.serials);
    } else if (!res || res.status >= 500) {
      for (const e of events) {
        this.uncertainEventIds.add(e.id);
        e.serials.forEach((s) => this.uncertainSerials.add(s));
      }
    }
    return true;
  }

  /**
   * One pack, retried as the API says (503 + Retry-After: the same request is safe to send
   * again) until a definite answer: a counter does not walk away from a pending dispense.
   */
  private async dispense(): Promise<boolean> {
    const serial = this.fixtures.stock[this.nextStock++];
    if (serial === undefined) return false;
    const pharmacist = this.stack.bearer('ph-1', HOSPITAL, 'pharmacist');
    const started = Date.now();
    for (;;) {
      const res = await this.send(
        'POST /v1/dispenses',
        'dispensing-api',
        '/v1/dispenses',
        { prescriptionId: this.fixtures.prescriptionId, scan: stockScan(serial) },
        pharmacist,
      );
      if (res?.status === 201) {
        this.acceptedDispenses.set(serial, res.body.ledgerIndex);
        return true;
      }
      if (res && res.status < 500) {
        this.refusedDispenses.set(serial, `${res.status} ${res.body?.code}`);
        return true;
      }
      if (Date.now() - started > 60_000) {
        this.uncertainSerials.add(serial);
        return true;
      }
      await sleep(250);
    }
  }
}
