import { TokenService } from '@trace/auth';
import { gs1CheckDigit } from '@trace/identifiers';
import { formatPrivateKey, generateSigner } from '@trace/ledger';
import { DomainUnitEventEvaluator, LedgerSequencer } from '@trace/ledger-store';
import { LEDGER_QUEUE, LedgerEventInput, redisConnectionOptions } from '@trace/queue';
import { Queue } from 'bullmq';
import type { ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  createBenchDatabase,
  postgresSettings,
  percentile,
  poolTransactions,
  phase,
} from './bench-database';
import { DiskPressureSampler } from './disk-pressure';
import { startIngestLoad } from './ingest-load';
import { startService, stopServices } from './service-process';

const GCP = '9506000';
const GTIN = `0${GCP}13435` + gs1CheckDigit(`0${GCP}13435`);
const GS = '\u001d';
const DISPENSING = 'http://127.0.0.1:3913';
const INGEST = 'http://127.0.0.1:3911';
const LEDGER_WRITER = 'http://127.0.0.1:3915';
/** The timer by which the bench's own event-loop delay is sampled. */
const LOOP_TIMER_MS = 5;

/** A histogram's cumulative count per bucket bound (s), for one label value, from /metrics text. */
function histogramBuckets(text: string, metric: string, label: string): Map<number, number> {
  const buckets = new Map<number, number>();
  const line = new RegExp(`^${metric}_bucket\\{([^}]*)\\} (\\d+)$`, 'gm');
  for (let m = line.exec(text); m; m = line.exec(text)) {
    const le = /le="([^"]+)"/.exec(m[1])?.[1];
    if (m[1].includes(label) && le)
      buckets.set(le === '+Inf' ? Infinity : Number(le), Number(m[2]));
  }
  return buckets;
}

/**
 * The parts the loaded dispenses' time is split into. In the sequencer: from the interactive
 * batch taken until committed. At the counter (dispensing-api): its read, its wait for the
 * ledger's verdict (queue hops and the sequencer), its write. The rest of a dispense's latency
 * is HTTP and the services' own work around them.
 */
const PARTS = {
  inTheSequencer: [LEDGER_WRITER, 'ledger_batch_seconds', 'lane="interactive"'],
  counterRead: [DISPENSING, 'dispense_step_seconds', 'step="read"'],
  counterLedger: [DISPENSING, 'dispense_step_seconds', 'step="ledger"'],
  counterRecord: [DISPENSING, 'dispense_step_seconds', 'step="record"'],
} as const;
type Part = keyof typeof PARTS;

/** Every part's histogram so far, each service's /metrics read once. */
const readParts = async () => {
  const services = [...new Set(Object.values(PARTS).map(([service]) => service))];
  const texts = new Map(
    await Promise.all(
      services.map(async (s) => [s, await (await fetch(`${s}/metrics`)).text()] as const),
    ),
  );
  return new Map(
    (Object.keys(PARTS) as Part[]).map((part) => {
      const [service, metric, label] = PARTS[part];
      return [part, histogramBuckets(texts.get(service) ?? '', metric, label)] as const;
    }),
  );
};

/**
 * One part, from its histogram's growth over the phase: the bucket bound under which half and
 * 99 % of the observations fell, and the share over 50 ms.
 */
function histogramPart(before: Map<number, number>, after: Map<number, number>) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const grown = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = grown[grown.length - 1] ?? 0;
  const under = (share: number) => {
    const i = grown.findIndex((n) => n >= share * total);
    return bounds[i] === Infinity
      ? `over ${bounds[bounds.length - 2] * 1000} ms`
      : `≤ ${bounds[i] * 1000} ms`;
  };
  const within50 = grown[bounds.indexOf(0.05)] ?? 0;
  return {
    observed: total,
    p50: total ? under(0.5) : null,
    p99: total ? under(0.99) : null,
    over50MsShare: total ? 1 - within50 / total : null,
  };
}

/** The sequencer's counts of batches by how they were written (gauges of the ledger-writer). */
async function writeGauges(): Promise<Record<string, number>> {
  const text = await (await fetch(`${LEDGER_WRITER}/metrics`)).text();
  const gauge = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    oneStatement: gauge('ledger_batches_one_statement'),
    carried: gauge('ledger_batches_carried'),
    cutIn: gauge('ledger_batches_cut_in'),
    redecided: gauge('ledger_batches_redecided'),
    onProducerRead: gauge('ledger_batches_decided_on_producer_read'),
  };
}

/**
 * How the small batches of the loaded phase were written: carried in the transaction of the
 * bulk batch ahead (ADR 0016), or with one statement of their own after it (ADR 0011); and
 * how many counters' batches cut in ahead of a bulk batch being decided (ADR 0017), were
 * decided on the pack as dispensing-api read it (ADR 0018), and were decided again under the
 * lock (that read was stale, or the pipeline started again).
 */
async function smallBatchWrites(before: Record<string, number>) {
  const after = await writeGauges();
  return {
    carried: after.carried - before.carried,
    ownStatement: after.oneStatement - before.oneStatement,
    cutIn: after.cutIn - before.cutIn,
    onProducerRead: after.onProducerRead - before.onProducerRead,
    redecided: after.redecided - before.redecided,
  };
}

/** Packs walked into the hospital's stock through the sequencer, before the services start. */
function stockEvents(serials: string[]): LedgerEventInput[] {
  let n = 0;
  const step = (
    action: string,
    org: string,
    role: string,
    serial: string,
    extra: Partial<LedgerEventInput> = {},
  ) => ({
    eventId: `urn:uuid:bench-stock-${++n}`,
    action,
    eventTime: new Date().toISOString(),
    actor: { sub: 'bench', org, roles: [role] },
    epcis: { type: 'ObjectEvent' },
    units: [{ gtin: GTIN, serial, lot: 'L1', expiry: '2029-06-30' }],
    refs: { declarationNo: 'D1', approvalNo: 'APP-D' },
    ...extra,
  });
  return serials.flatMap((s) => [
    step('ANNOUNCE', 'IMP-D', 'importer', s),
    step('ARRIVE', 'IMP-D', 'importer', s),
    step('RECEIVE_BONDED', 'BW-D', 'warehouse_operator', s),
    step('INSPECT_CONFORMANT', 'BW-D', 'warehouse_operator', s),
    step('SHIP', 'BW-D', 'warehouse_operator', s, {
      context: { destinationOrg: 'HOSP-D', customsReleased: true },
    }),
    step('RECEIVE_HOSPITAL', 'HOSP-D', 'pharmacist', s),
  ]);
}

async function post(
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/**
 * `npm run bench:dispense`: dispense latency at the counter (request until the ledger's
 * committed answer), at a steady rate, alone and while a bulk ingest of scan batches runs in
 * the background. ledger-writer, ingest-api and dispensing-api as processes. The loaded phase
 * is `windows` runs of the dispense pace back to back under one ingest, pooled; each window's
 * p99 and the sequencer's backlog are reported with it.
 */
export async function runDispenseBench(opts: { quick: boolean }) {
  const db = await createBenchDatabase();
  const env = {
    DATABASE_NAME: db.cfg.database.database,
    REDIS_PREFIX: db.redisPrefix,
    LOG_LEVEL: 'warn',
    JWT_SECRET: db.cfg.auth.jwtSecret,
    LEDGER_SIGNING_KEY: formatPrivateKey(generateSigner(db.cfg.ledger.origin)),
    PATIENT_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    PATIENT_REF_KEY: Buffer.alloc(32, 9).toString('base64'),
    INGEST_API_PORT: '3911',
    DISPENSING_API_PORT: '3913',
    LEDGER_WRITER_PORT: '3915',
  };
  const children: ChildProcess[] = [];
  const run: Record<string, unknown> = {
    bench: 'dispense',
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    mode: opts.quick ? 'quick' : 'full',
    postgres: await postgresSettings(db.pool),
  };
  const perPhase = opts.quick ? 100 : 300;
  // One 30 s window's p99 is its third-worst dispense, and on this machine it swings 2× from
  // run to run: the loaded phase is several windows, pooled, with each window's p99 kept.
  const windows = opts.quick ? 1 : 3;
  // Dispenses before the alone phase, not counted: the first ones open connections and run
  // code V8 has not compiled yet.
  const warmUp = 20;
  try {
    await db.pool.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-D', 'Importer', 'IMPORTER'), ('BW-D', 'Warehouse', 'BONDED_WAREHOUSE'), ('HOSP-D', 'Hospital', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES ('IMP-D-PORT', 'IMP-D', 'Port');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES ('${GTIN}', 'Drug', 'DRUG', 7, 'tablet', 'ORAL');
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by)
        VALUES ('APP-D', '${GTIN}', 'HOSP-D', '{bench}', 100000, '2026-01-01', '2030-12-31', 'bench');`);
    const serials = Array.from({ length: warmUp + perPhase * (1 + windows) }, (_, i) => `DS${i}`);
    const sequencer = new LedgerSequencer(
      poolTransactions(db.pool),
      new DomainUnitEventEvaluator(),
    );
    const events = stockEvents(serials);
    for (let i = 0; i < events.length; i += 1000)
      await sequencer.sequence(events.slice(i, i + 1000));

    children.push(await startService('ledger-writer', env));
    children.push(await startService('ingest-api', env));
    children.push(await startService('dispensing-api', env));
    const pharmacist = TokenService.issueWith(db.cfg.auth, {
      sub: 'ph',
      org: 'HOSP-D',
      roles: ['pharmacist'],
    });
    const importer = TokenService.issueWith(db.cfg.auth, {
      sub: 'imp',
      org: 'IMP-D',
      roles: ['importer'],
    });
    const patient = await post(`${DISPENSING}/v1/patients`, pharmacist, {
      name: 'Bench Patient',
      nationalId: 'BENCH0001',
      birthDate: '1970-01-01',
    });
    const prescription = await post(`${DISPENSING}/v1/prescriptions`, pharmacist, {
      patientRef: patient.json.patientRef,
      approvalNo: 'APP-D',
      gtin: GTIN,
      quantity: serials.length,
      indication: 'bench',
      prescriber: 'dr.bench',
    });
    if (prescription.status !== 201)
      throw new Error(`prescription: ${JSON.stringify(prescription.json)}`);

    /** Dispenses at a steady rate (10 a second, one counter each), latencies in ms. */
    const dispenseAtPace = async (packs: string[]) => {
      const latencies: number[] = [];
      await Promise.all(
        packs.map(async (serial, i) => {
          await new Promise((r) => setTimeout(r, i * 100));
          const started = process.hrtime.bigint();
          const res = await post(`${DISPENSING}/v1/dispenses`, pharmacist, {
            prescriptionId: prescription.json.prescriptionId,
            scan: `]d201${GTIN}1729063010L1${GS}21${serial}`,
          });
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          if (res.status !== 201)
            throw new Error(`dispense ${serial}: ${res.status} ${JSON.stringify(res.json)}`);
        }),
      );
      return latencies;
    };
    const summary = (latencies: number[]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        dispenses: sorted.length,
        p50Ms: percentile(sorted, 50),
        p90Ms: percentile(sorted, 90),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted[sorted.length - 1],
      };
    };

    phase('warming up…');
    await dispenseAtPace(serials.slice(0, warmUp));
    phase('dispensing alone…');
    const alone = summary(await dispenseAtPace(serials.slice(warmUp, warmUp + perPhase)));

    phase('dispensing during a bulk ingest…');
    const ingestStarted = Date.now();
    // Two clients, each a batch of 500 scans every 200 ms: 5,000 scans (events) a second, the
    // target's load. BENCH_INGEST_SCANS_PER_SECOND sets another pace, to see how the tail grows.
    const ingestRate = Number(process.env.BENCH_INGEST_SCANS_PER_SECOND ?? 5000);
    if (!(ingestRate > 0))
      throw new Error('BENCH_INGEST_SCANS_PER_SECOND must be a positive number');
    run.ingestTargetScansPerSecond = ingestRate;
    const ingest = startIngestLoad({
      url: `${INGEST}/v1/scans`,
      token: importer,
      gtin: GTIN,
      locationCode: 'IMP-D-PORT',
      clients: 2,
      scansPerRequest: 500,
      intervalMs: (2 * 500 * 1000) / ingestRate,
    });
    let ingested = 0;
    // The sequencer's backlog: bulk jobs taken or waiting. Where it grows, the sequencer is
    // behind the ingest, and that is where the slowest dispenses are.
    const bulkQueue = new Queue(LEDGER_QUEUE, {
      connection: redisConnectionOptions(db.cfg.redis),
      prefix: db.redisPrefix,
    });
    const backlog: number[] = [];
    const sampler = setInterval(() => {
      void bulkQueue.getJobCounts('waiting', 'active', 'prioritized').then(
        (c) => backlog.push(c.waiting + c.active + c.prioritized),
        () => undefined,
      );
    }, 500);
    let loaded: number[] = [];
    const partsBefore = await readParts();
    const gaugesBefore = await writeGauges();
    const disk = DiskPressureSampler.start();
    // The bench's own event loop: a dispense's answer is timed when this loop gets to it.
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_TIMER_MS });
    loopDelay.enable();
    const windowP99s: number[] = [];
    try {
      await new Promise((r) => setTimeout(r, 2000)); // let the ingest reach its pace
      for (let w = 0; w < windows; w++) {
        const from = warmUp + perPhase * (1 + w);
        const latencies = await dispenseAtPace(serials.slice(from, from + perPhase));
        windowP99s.push(summary(latencies).p99Ms);
        loaded = loaded.concat(latencies);
      }
      const partsAfter = await readParts();
      run.smallBatchesWritten = await smallBatchWrites(gaugesBefore);
      run.partsDuringIngest = Object.fromEntries(
        (Object.keys(PARTS) as Part[]).map((part) => [
          part,
          histogramPart(partsBefore.get(part) ?? new Map(), partsAfter.get(part) ?? new Map()),
        ]),
      );
    } finally {
      run.diskDuringIngest = disk?.stop() ?? null;
      loopDelay.disable();
      // The histogram holds the timer's whole intervals: the delay is what exceeds the timer.
      const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_TIMER_MS);
      run.benchLoopDelayMs = {
        p50: late(loopDelay.percentile(50)),
        p99: late(loopDelay.percentile(99)),
        max: late(loopDelay.max),
      };
      clearInterval(sampler);
      ingested = await ingest.stop();
      await bulkQueue.close();
    }
    const ingestSeconds = (Date.now() - ingestStarted) / 1000;
    run.alone = alone;
    run.duringIngest = {
      ...summary(loaded),
      windows,
      windowP99Ms: windowP99s,
      backgroundScansAcceptedPerSecond: ingested / ingestSeconds,
      bulkJobsBehindMax: Math.max(0, ...backlog),
      // Share of the samples with more than two jobs (1,000 scans, 0.2 s of ingest) behind.
      bulkBehindShare: backlog.filter((n) => n > 2).length / Math.max(1, backlog.length),
    };
    return run;
  } finally {
    await stopServices(children);
    await db.drop();
  }
}
