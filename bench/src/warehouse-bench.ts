import { TokenService } from '@trace/auth';
import { gs1CheckDigit } from '@trace/identifiers';
import { formatPrivateKey, generateSigner } from '@trace/ledger';
import type { ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createBenchDatabase, percentile, phase } from './bench-database';
import { startService, stopServices } from './service-process';

const GCP = '9506000';
const GTIN = `0${GCP}13435` + gs1CheckDigit(`0${GCP}13435`);
const GS = '\u001d';
const PACKS = 5000;

const sscc = (n: number) => {
  const body = `0${GCP}${String(n).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
};

/**
 * `npm run bench:warehouse`: warehouse-api and ledger-writer as processes; each round
 * declares a pallet of 5,000 packs, reports its arrival, then times the one receipt request
 * that scans the pallet with its aggregation (5,000 packs compared with the declaration,
 * received and packed, committed in the ledger before the answer).
 */
export async function runWarehouseBench(opts: { quick: boolean }) {
  const db = await createBenchDatabase();
  const env = {
    DATABASE_NAME: db.cfg.database.database,
    REDIS_PREFIX: db.redisPrefix,
    LOG_LEVEL: 'warn',
    JWT_SECRET: db.cfg.auth.jwtSecret,
    LEDGER_SIGNING_KEY: formatPrivateKey(generateSigner(db.cfg.ledger.origin)),
    WAREHOUSE_API_PORT: '3912',
    LEDGER_WRITER_PORT: '3915',
  };
  const children: ChildProcess[] = [];
  const run: Record<string, unknown> = {
    bench: 'warehouse',
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    mode: opts.quick ? 'quick' : 'full',
  };
  try {
    await db.pool.query(`
      INSERT INTO organisations (code, name, type) VALUES
        ('IMP-B', 'Importer', 'IMPORTER'), ('BW-B', 'Warehouse', 'BONDED_WAREHOUSE'), ('HOSP-B', 'Hospital', 'HOSPITAL');
      INSERT INTO locations (code, organisation_code, name) VALUES ('BW-B-A', 'BW-B', 'Store');
      INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route)
        VALUES ('${GTIN}', 'Bench drug', 'DRUG', 7, 'tablet', 'ORAL');
      INSERT INTO approvals (approval_no, gtin, institution_code, indications, quantity, valid_from, valid_to, issued_by)
        VALUES ('APP-B', '${GTIN}', 'HOSP-B', '{bench}', 100000, '2026-01-01', '2030-12-31', 'bench');`);
    children.push(await startService('ledger-writer', env));
    children.push(await startService('warehouse-api', env));
    const bearer = (sub: string, org: string, role: 'importer' | 'warehouse_operator') =>
      `Bearer ${TokenService.issueWith(db.cfg.auth, { sub, org, roles: [role] })}`;
    const importer = bearer('imp', 'IMP-B', 'importer');
    const operator = bearer('op', 'BW-B', 'warehouse_operator');
    const post = async (path: string, token: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:3912${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300)
        throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const rounds = opts.quick ? 2 : 5;
    const receiptMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const serials = Array.from({ length: PACKS }, (_, i) => `R${round}-${i}`);
      const declarationNo = `DECL-BENCH-${round}`;
      await post('/v1/imports', importer, {
        declarationNo,
        approvalNo: 'APP-B',
        importerCode: 'IMP-B',
        items: [{ gtin: GTIN, lot: `LOT${round}`, expiry: '2029-06-30', serials }],
      });
      await post(`/v1/imports/${declarationNo}/arrival`, importer);
      const pallet = `(00)${sscc(round + 1)}`;
      const body = {
        declarationNo,
        locationCode: 'BW-B-A',
        scans: [pallet],
        aggregations: [
          {
            parent: pallet,
            children: serials.map((s) => `]d201${GTIN}1729063010LOT${round}${GS}21${s}`),
          },
        ],
      };
      phase(`receiving pallet ${round + 1}/${rounds} (${PACKS} packs)…`);
      const started = process.hrtime.bigint();
      const receipt = await post('/v1/receipts', operator, body);
      receiptMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (receipt.received !== PACKS)
        throw new Error(`received ${String(receipt.received)} of ${PACKS}`);
      process.stderr.write(`  received in ${receiptMs[round].toFixed(0)} ms\n`);
    }
    receiptMs.sort((a, b) => a - b);
    const median = percentile(receiptMs, 50);
    run.palletReceipt = {
      packs: PACKS,
      rounds,
      msMedian: median,
      msAll: receiptMs,
      packsPerSecondMedian: PACKS / (median / 1000),
    };
    return run;
  } finally {
    await stopServices(children);
    await db.drop();
  }
}
