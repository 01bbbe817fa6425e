import { TokenService } from '@trace/auth';
import { gs1CheckDigit } from '@trace/identifiers';
import { formatPrivateKey, generateSigner } from '@trace/ledger';
import type { ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createBenchDatabase, postgresSettings, progress, phase } from './bench-database';
import { cpuSeconds, peakRssMiB, pidsOf, startService, stopServices } from './service-process';

const GCP = '9506000';
const GTIN = `0${GCP}13435` + gs1CheckDigit(`0${GCP}13435`);
const GS = '\u001d';
const ORG = 'IMP-BENCH';
const SITE = 'IMP-BENCH-PORT';
const SGLN = `urn:epc:id:sgln:${GCP}.00001.0`;
const CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

let serialNo = 0;
const nextSerial = () => `S${(serialNo++).toString(36)}`;
const scan = (serial: string) => `]d201${GTIN}1728063010LOT1${GS}21${serial}`;
const sgtin = (serial: string) => `urn:epc:id:sgtin:${GCP}.0${GTIN.slice(8, 13)}.${serial}`;

/** One request: a scan batch (one event per pack) or an EPCIS document of 100-EPC events. */
function scanBatch(scans: number) {
  return {
    path: '/v1/scans',
    body: {
      bizStep: 'commissioning',
      locationCode: SITE,
      scans: Array.from({ length: scans }, () => scan(nextSerial())),
    },
  };
}

function epcisDocument(events: number, epcsPerEvent: number) {
  return {
    path: '/epcis/capture',
    body: {
      '@context': [CONTEXT],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-06-01T10:00:00.000+08:00',
      epcisBody: {
        eventList: Array.from({ length: events }, () => ({
          type: 'ObjectEvent',
          eventTime: '2026-06-01T10:00:00.000+08:00',
          eventTimeZoneOffset: '+08:00',
          epcList: Array.from({ length: epcsPerEvent }, () => sgtin(nextSerial())),
          action: 'ADD',
          bizStep: 'commissioning',
          disposition: 'active',
          bizLocation: { id: SGLN },
          ilmd: { 'cbvmda:lotNumber': 'LOT1', 'cbvmda:itemExpirationDate': '2028-06-30' },
        })),
      },
    },
  };
}

interface Scenario {
  label: string;
  requests: number;
  scansPerRequest: number;
  eventsPerRequest: number;
  make: () => { path: string; body: unknown };
}

/**
 * `npm run bench:ingest`: ingest-api and ledger-writer as real processes on a throw-away
 * database; a client posts requests with a few in flight; the rate is scans (and ledger
 * entries) per second from the first request until the last entry is committed.
 */
export async function runIngestBench(opts: { quick: boolean }) {
  const db = await createBenchDatabase();
  const prefix = db.redisPrefix;
  const env = {
    DATABASE_NAME: db.cfg.database.database,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    JWT_SECRET: db.cfg.auth.jwtSecret,
    LEDGER_SIGNING_KEY: formatPrivateKey(generateSigner(db.cfg.ledger.origin)),
    INGEST_API_PORT: '3911',
    LEDGER_WRITER_PORT: '3915',
  };
  const children: ChildProcess[] = [];
  const run: Record<string, unknown> = {
    bench: 'ingest',
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    mode: opts.quick ? 'quick' : 'full',
    postgres: await postgresSettings(db.pool),
  };
  try {
    await db.pool.query(`
      INSERT INTO organisations (code, name, type) VALUES ('${ORG}', 'Bench importer', 'IMPORTER');
      INSERT INTO locations (code, organisation_code, name, sgln) VALUES ('${SITE}', '${ORG}', 'Port', '${SGLN}');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route)
        VALUES ('${GTIN}', 'Bench drug', 'DRUG', 7, 'tablet', 'ORAL');`);
    children.push(await startService('ledger-writer', env));
    children.push(await startService('ingest-api', env));
    const token = TokenService.issueWith(db.cfg.auth, {
      sub: 'bench',
      org: ORG,
      roles: ['importer'],
    });
    const scale = opts.quick ? 1 : 6;
    const scenarios: Scenario[] = [
      {
        label: 'single-EPC events (scan batches of 1,000)',
        requests: 20 * scale,
        scansPerRequest: 1000,
        eventsPerRequest: 1000,
        make: () => scanBatch(1000),
      },
      {
        label: '100-EPC events (EPCIS documents of 10 events)',
        requests: 20 * scale,
        scansPerRequest: 1000,
        eventsPerRequest: 10,
        make: () => epcisDocument(10, 100),
      },
    ];
    const results: Record<string, unknown>[] = [];
    for (const s of scenarios) {
      phase(`${s.label}…`);
      const bodies = Array.from({ length: s.requests }, () => JSON.stringify(s.make().body));
      const path = s.make().path;
      const before = Number(
        (await db.pool.query('SELECT count(*) FROM ledger_entries')).rows[0].count,
      );
      const bar = progress(s.label);
      const processes = () => ({
        'ingest-api': [children[1].pid as number],
        'ledger-writer': [children[0].pid as number],
        postgres: pidsOf('postgres'),
        redis: pidsOf('redis-server'),
      });
      const cpuBefore = cpuSeconds(processes());
      const started = process.hrtime.bigint();
      let next = 0;
      const latencies: number[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++];
            const t = process.hrtime.bigint();
            const res = await fetch(`http://127.0.0.1:3911${path}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
              body,
            });
            if (res.status !== 202)
              throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
            await res.arrayBuffer();
            latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }),
      );
      const acceptedAfter = Number(process.hrtime.bigint() - started) / 1e9;
      const target = before + s.requests * s.eventsPerRequest;
      for (;;) {
        const n = Number(
          (await db.pool.query('SELECT count(*) FROM ledger_entries')).rows[0].count,
        );
        bar.tick(n - before, target - before);
        if (n >= target) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuAfter = cpuSeconds(processes());
      const cpu = Object.fromEntries(
        Object.keys(cpuAfter).map((k) => [
          k,
          Number(((cpuAfter[k] - (cpuBefore[k] ?? 0)) / seconds).toFixed(2)),
        ]),
      );
      const refused = Number(
        (await db.pool.query(`SELECT count(*) FROM ledger_entries WHERE entry_type = 'alert'`))
          .rows[0].count,
      );
      if (refused > 0) throw new Error(`${refused} bench events were refused`);
      latencies.sort((a, b) => a - b);
      results.push({
        scenario: s.label,
        scans: s.requests * s.scansPerRequest,
        ledgerEntries: s.requests * s.eventsPerRequest,
        scansPerSecond: (s.requests * s.scansPerRequest) / seconds,
        entriesPerSecond: (s.requests * s.eventsPerRequest) / seconds,
        acceptedScansPerSecond: (s.requests * s.scansPerRequest) / acceptedAfter,
        requestMsMedian: latencies[Math.floor(latencies.length / 2)],
        // Cores busy on average during the scenario, per process (2 cores on this machine).
        coresBusy: cpu,
      });
    }
    run.scenarios = results;
    // The sequencer's memory: its peak resident set over the whole run (Linux VmHWM).
    run.ledgerWriterPeakRssMiB = peakRssMiB(children[0].pid as number);
    const metrics = await (await fetch('http://127.0.0.1:3915/metrics')).text();
    run.writerPipeline = Object.fromEntries(
      [...metrics.matchAll(/^ledger_batches_(pipelined|redecided)(?:\{[^}]*\})? (\d+)/gm)].map(
        (m) => [m[1], Number(m[2])],
      ),
    );
    return run;
  } finally {
    await stopServices(children);
    await db.drop();
  }
}
