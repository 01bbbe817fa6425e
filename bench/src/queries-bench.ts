import { TokenService } from '@trace/auth';
import { gs1CheckDigit } from '@trace/identifiers';
import { formatPrivateKey, generateSigner, parseVerifierKey, signCheckpoint } from '@trace/ledger';
import {
  auditLedger,
  DomainUnitEventEvaluator,
  LedgerSequencer,
  loadLedgerSigner,
  readTreeState,
} from '@trace/ledger-store';
import type { LedgerEventInput } from '@trace/queue';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import {
  createBenchDatabase,
  percentile,
  poolTransactions,
  progress,
  phase,
} from './bench-database';
import { startService, stopServices } from './service-process';

const GCP = '9506000';
const GTIN = `0${GCP}13435` + gs1CheckDigit(`0${GCP}13435`);
const REGULATOR = 'http://127.0.0.1:3914';
/** The lot the look-back asks about: every pack of it dispensed to its own patient. */
const LOOKBACK_LOT = 'L-LOOK';
const PACKS_PER_LOT = 10_000;
const HOSPITALS = ['HOSP-Q1', 'HOSP-Q2', 'HOSP-Q3', 'HOSP-Q4'];

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const patientRef = (i: number) => `pt-${md5(`p${i}`)}`;
const prescriptionId = (i: number) => {
  const h = md5(`rx${i}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** One pack's walk as the services record it: single-pack events, as scans produce them. */
function stepEvents(
  step: number,
  packs: { serial: string; lot: string; n: number }[],
  dispensed: boolean,
): LedgerEventInput[] {
  const t = new Date(Date.UTC(2026, 5, 1, 8) + step * 3_600_000).toISOString();
  const event = (
    p: { serial: string; lot: string; n: number },
    action: string,
    org: string,
    role: string,
    extra: Partial<LedgerEventInput> = {},
  ): LedgerEventInput => ({
    eventId: `urn:uuid:${md5(`${p.serial}/${action}`)}`,
    action,
    eventTime: t,
    actor: { sub: 'bench', org, roles: [role] },
    epcis: {
      type: 'ObjectEvent',
      eventTime: t,
      eventTimeZoneOffset: '+08:00',
      epcList: [`urn:epc:id:sgtin:${GCP}.013435.${p.serial}`],
    },
    units: [{ gtin: GTIN, serial: p.serial, lot: p.lot, expiry: '2029-06-30' }],
    refs: { declarationNo: `DECL-${p.lot}`, approvalNo: 'APP-Q' },
    context: {},
    ...extra,
  });
  const hospital = (p: { n: number }) => HOSPITALS[p.n % HOSPITALS.length];
  switch (step) {
    case 0:
      return packs.map((p) => event(p, 'ANNOUNCE', 'IMP-Q', 'importer'));
    case 1:
      return packs.map((p) => event(p, 'ARRIVE', 'IMP-Q', 'importer'));
    case 2:
      return packs.map((p) =>
        event(p, 'RECEIVE_BONDED', 'BW-Q', 'warehouse_operator', {
          context: { locationCode: 'BW-Q-A' },
        }),
      );
    case 3:
      return packs.map((p) => event(p, 'INSPECT_CONFORMANT', 'CUS-Q', 'customs_officer'));
    case 4:
      return packs.map((p) =>
        event(p, 'SHIP', 'BW-Q', 'warehouse_operator', {
          context: { destinationOrg: hospital(p), customsReleased: true },
          refs: { approvalNo: 'APP-Q', shipmentId: md5(`ship-${Math.floor(p.n / 500)}`) },
        }),
      );
    case 5:
      return packs.map((p) => event(p, 'RECEIVE_HOSPITAL', hospital(p), 'pharmacist'));
    case 6:
      return dispensed
        ? packs.map((p) =>
            event(p, 'DISPENSE', hospital(p), 'pharmacist', {
              context: { patientRef: patientRef(p.n) },
              refs: { prescriptionId: prescriptionId(p.n), approvalNo: 'APP-Q' },
            }),
          )
        : [];
    case 7:
      return dispensed
        ? packs
            .filter((p) => p.n % 2 === 0)
            .map((p) =>
              event(p, 'ADMINISTER', hospital(p), 'clinician', {
                context: { patientRef: patientRef(p.n) },
              }),
            )
        : [];
    default:
      return [];
  }
}

async function timed(n: number, call: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await call();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/**
 * `npm run bench:queries`: the regulator's questions against a log of ≥ 1M entries built of
 * pack walks (import to hospital; one lot of 10,000 packs dispensed to 10,000 patients):
 * custody of a pack with every entry's proof, the look-back of that lot and its board, over
 * HTTP against regulator-api as a process.
 */
export async function runQueriesBench(opts: { quick: boolean }) {
  const logSize = opts.quick ? 100_000 : 1_000_000;
  const db = await createBenchDatabase();
  const signingKey = formatPrivateKey(generateSigner(db.cfg.ledger.origin));
  const env = {
    DATABASE_NAME: db.cfg.database.database,
    REDIS_PREFIX: db.redisPrefix,
    LOG_LEVEL: 'warn',
    JWT_SECRET: db.cfg.auth.jwtSecret,
    LEDGER_SIGNING_KEY: signingKey,
    REGULATOR_API_PORT: '3914',
  };
  const children: ChildProcess[] = [];
  const run: Record<string, unknown> = {
    bench: 'queries',
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    mode: opts.quick ? 'quick' : 'full',
  };
  try {
    const lookbackPacks = opts.quick ? 2_000 : PACKS_PER_LOT;
    await db.pool.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-Q', 'Importer', 'IMPORTER'), ('CUS-Q', 'Customs', 'CUSTOMS'),
        ('BW-Q', 'Warehouse', 'BONDED_WAREHOUSE'), ('REG-Q', 'Regulator', 'REGULATOR'),
        ${HOSPITALS.map((h) => `('${h}', '${h}', 'HOSPITAL')`).join(', ')};
      INSERT INTO locations (code, organisation_code, name) VALUES ('BW-Q-A', 'BW-Q', 'Store A');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES ('${GTIN}', 'Drug', 'DRUG', 7, 'tablet', 'ORAL');
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by)
        VALUES ('APP-Q', '${GTIN}', 'HOSP-Q1', '{bench}', 10000000, '2026-01-01', '2030-12-31', 'bench');`);
    // The look-back lot's patients and prescriptions (the prescriber is read from them).
    await db.pool.query(
      `INSERT INTO patients (patient_ref, hospital_org, personal, registered_by)
         SELECT 'pt-' || md5('p' || i), ($2::text[])[i % 4 + 1], '\\x00'::bytea, 'bench'
           FROM generate_series(0, $1::int - 1) i`,
      [lookbackPacks, HOSPITALS],
    );
    await db.pool.query(
      `INSERT INTO prescriptions (prescription_id, hospital_org, patient_ref, approval_no, gtin, quantity,
                                  indication, prescriber, created_by)
         SELECT md5('rx' || i)::uuid, ($2::text[])[i % 4 + 1], 'pt-' || md5('p' || i), 'APP-Q', $3, 1,
                'bench', 'dr.bench-' || (i % 50), 'bench'
           FROM generate_series(0, $1::int - 1) i`,
      [lookbackPacks, HOSPITALS, GTIN],
    );

    // Build the log: the look-back lot first (8–9 entries a pack), then lots walked to the
    // hospitals (6 entries a pack) until the log reaches its size.
    const sequencer = new LedgerSequencer(
      poolTransactions(db.pool),
      new DomainUnitEventEvaluator(),
      () => new Date(),
      db.pool,
    );
    const bar = progress('building the log');
    const started = Date.now();
    let entries = 0;
    let packNo = 0;
    const lots: { lot: string; serials: string[] }[] = [];
    const inFlight = new Set<Promise<void>>();
    const submit = async (events: LedgerEventInput[]) => {
      for (let i = 0; i < events.length; i += 1000) {
        const batch = events.slice(i, i + 1000);
        const done: Promise<void> = sequencer.sequence(batch).then((verdicts) => {
          const refused = verdicts.find((v) => !v.accepted);
          if (refused) throw new Error(`bench event refused: ${JSON.stringify(refused)}`);
          entries += verdicts.length;
          bar.tick(entries, logSize);
        });
        inFlight.add(done);
        void done.finally(() => inFlight.delete(done)).catch(() => undefined);
        // Two batches in flight, as the ledger-writer pipelines them.
        if (inFlight.size >= 2) await Promise.race(inFlight);
      }
    };
    const walkLot = async (lot: string, count: number, dispensed: boolean) => {
      const serials: string[] = [];
      for (let chunk = 0; chunk < count; chunk += 1000) {
        const packs = Array.from({ length: Math.min(1000, count - chunk) }, () => {
          const n = packNo++;
          const serial = `Q${n.toString(36)}`;
          serials.push(serial);
          return { serial, lot, n };
        });
        for (let step = 0; step < 8; step++) await submit(stepEvents(step, packs, dispensed));
      }
      lots.push({ lot, serials });
    };
    await walkLot(LOOKBACK_LOT, lookbackPacks, true);
    for (let n = 1; entries < logSize; n++) {
      const left = Math.ceil((logSize - entries) / 6);
      await walkLot(`L-${n}`, Math.min(PACKS_PER_LOT, Math.max(1000, left)), false);
      await Promise.all(inFlight);
    }
    await Promise.all(inFlight);
    const state = await readTreeState(db.pool);
    run.logSize = state.size;
    run.buildSeconds = (Date.now() - started) / 1000;
    // One signed checkpoint over the whole log, as the ledger-writer signs them.
    const signer = loadLedgerSigner({ ...db.cfg.ledger, signingKey });
    await db.pool.query(
      `INSERT INTO ledger_checkpoints (tree_size, root, note) VALUES ($1, $2, $3)`,
      [
        state.size,
        state.root,
        signCheckpoint(
          { origin: db.cfg.ledger.origin, size: state.size, root: state.root },
          signer.signer,
        ),
      ],
    );
    await db.pool.query('ANALYZE');
    // The offline audit `cli verify` runs: every leaf hash, the tree, the checkpoint.
    phase('auditing the whole log…');
    const auditStarted = process.hrtime.bigint();
    const audit = await auditLedger(db.pool, [parseVerifierKey(signer.verifierKey)]);
    if (!audit.ok) throw new Error(`the bench log does not verify: ${JSON.stringify(audit)}`);
    run.auditEntriesPerSecond = state.size / (Number(process.hrtime.bigint() - auditStarted) / 1e9);

    children.push(await startService('regulator-api', env));
    const token = TokenService.issueWith(db.cfg.auth, {
      sub: 'insp',
      org: 'REG-Q',
      roles: ['regulator'],
    });
    const get = async (path: string) => {
      const res = await fetch(`${REGULATOR}${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as unknown;
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    const all = lots.flatMap((l) => l.serials);
    const pick = () => all[Math.floor(Math.random() * all.length)];
    phase('custody with proofs…');
    await timed(50, async () => void (await get(`/v1/units/${GTIN}/${pick()}/custody?proof=true`)));
    const custody = await timed(opts.quick ? 300 : 2000, async () => {
      const answer = (await get(`/v1/units/${GTIN}/${pick()}/custody?proof=true`)) as {
        events: unknown[];
      };
      if (answer.events.length < 6) throw new Error('a custody answer is short of entries');
    });
    const plain = await timed(opts.quick ? 300 : 1000, async () => {
      await get(`/v1/units/${GTIN}/${pick()}/custody`);
    });
    phase(`look-back of a ${lookbackPacks}-pack lot…`);
    const lookback = await timed(opts.quick ? 10 : 30, async () => {
      const patients = (await get(`/v1/lots/${GTIN}/${LOOKBACK_LOT}/patients`)) as unknown[];
      if (patients.length !== lookbackPacks) throw new Error(`look-back: ${patients.length}`);
    });
    const board = await timed(opts.quick ? 10 : 30, async () => {
      await get(`/v1/lots/${GTIN}/${LOOKBACK_LOT}/board`);
    });
    run.custodyWithProofMs = custody;
    run.custodyMs = plain;
    run.lookbackPacks = lookbackPacks;
    run.lookbackMs = lookback;
    run.boardMs = board;
    return run;
  } finally {
    await stopServices(children);
    await db.drop();
  }
}
