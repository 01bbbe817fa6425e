import { mkdirSync, writeFileSync } from 'node:fs';
import type { DiskPressureSummary } from './disk-pressure';
import { runDispenseBench } from './dispense-bench';
import { runIngestBench } from './ingest-bench';
import { runQueriesBench } from './queries-bench';
import { runLedgerBench } from './ledger-bench';
import { runWarehouseBench } from './warehouse-bench';
import { phase, startHeartbeat } from './bench-database';
import { machineCalibration } from './machine-calibration';
import { summaryTable, systemSummary } from './system-summary';

const f = (n: number) => Math.round(n).toLocaleString('en-US');

function save(run: Record<string, unknown>, quick: boolean): string {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${run.bench as string}-${(run.date as string).slice(0, 10)}${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(run, null, 2) + '\n');
  console.log(`\n${run.machine as string}, ${run.mode as string} run, results in ${file}\n`);
  return file;
}

/** `npm run bench:ingest [-- --quick]`. */
async function ingest(quick: boolean) {
  const run = await runIngestBench({ quick });
  save(run, quick);
  console.log(
    '| end to end (HTTP → inbox → queue → committed ledger entries) | scans/s | entries/s | accepted scans/s | request median |',
  );
  console.log('|---|---|---|---|---|');
  for (const s of run.scenarios as any[]) {
    console.log(
      `| ${s.scenario}, ${f(s.scans)} scans | ${f(s.scansPerSecond)} | ${f(s.entriesPerSecond)} | ${f(s.acceptedScansPerSecond)} | ${s.requestMsMedian.toFixed(0)} ms |`,
    );
  }
  console.log('\ncores busy on average (of 2):');
  for (const s of run.scenarios as any[])
    console.log(`  ${s.scenario}: ${JSON.stringify(s.coresBusy)}`);
  return run;
}

/** `npm run bench:warehouse [-- --quick]`. */
async function warehouse(quick: boolean) {
  const run = await runWarehouseBench({ quick });
  save(run, quick);
  const r = run.palletReceipt as any;
  console.log(
    '| warehouse receipt (HTTP → compare with declaration → ledger committed) | result |',
  );
  console.log('|---|---|');
  console.log(
    `| one request: a pallet of ${f(r.packs)} packs (one aggregation scan), median of ${r.rounds} | ${f(r.msMedian)} ms, ${f(r.packsPerSecondMedian)} packs/s |`,
  );
  return run;
}

/** `npm run bench:dispense [-- --quick]`. */
async function dispense(quick: boolean) {
  const run = await runDispenseBench({ quick });
  save(run, quick);
  const a = run.alone as any;
  const b = run.duringIngest as any;
  console.log(
    '| dispense latency (request → ledger committed → answer), 10 a second | p50 | p99 | max |',
  );
  console.log('|---|---|---|---|');
  console.log(
    `| alone, ${a.dispenses} dispenses | ${a.p50Ms.toFixed(1)} ms | ${a.p99Ms.toFixed(1)} ms | ${a.maxMs.toFixed(1)} ms |`,
  );
  console.log(
    `| during a bulk ingest of ${f(b.backgroundScansAcceptedPerSecond)} scans/s, ${b.dispenses} dispenses | ${b.p50Ms.toFixed(1)} ms | ${b.p99Ms.toFixed(1)} ms | ${b.maxMs.toFixed(1)} ms |`,
  );
  console.log(
    `p99 of each ${b.dispenses / b.windows}-dispense window under the ingest: ${(b.windowP99Ms as number[]).map((v) => `${v.toFixed(1)} ms`).join(', ')}; ` +
      `bulk jobs (500 scans) behind the sequencer: at most ${b.bulkJobsBehindMax}, more than two in ${(100 * b.bulkBehindShare).toFixed(0)} % of the samples`,
  );
  const parts = run.partsDuringIngest as Record<string, any>;
  const part = (name: string, label: string) => {
    const p = parts[name];
    return `${label} p50 ${p.p50}, p99 ${p.p99}, over 50 ms in ${(100 * p.over50MsShare).toFixed(1)} %`;
  };
  console.log(
    `under the ingest, p90 ${b.p90Ms.toFixed(1)} ms; ` +
      `${part('inTheSequencer', `in the sequencer (interactive batch taken → committed, ${parts.inTheSequencer.observed} batches):`)}; ` +
      `at the counter: ${part('counterRead', 'read')}; ${part('counterLedger', 'wait for the ledger')}; ${part('counterRecord', 'record')}`,
  );
  const loop = run.benchLoopDelayMs as { p99: number; max: number };
  console.log(
    `the bench's own event loop (dispenses are timed on it; the ingest posts from a worker thread): delay p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms`,
  );
  const w = run.smallBatchesWritten as {
    carried: number;
    ownStatement: number;
    cutIn?: number;
    onProducerRead?: number;
    redecided?: number;
  };
  console.log(
    `small batches under the ingest: ${w.carried} written in the transaction of the bulk batch ahead, ${w.ownStatement} with a statement of their own; ${w.cutIn ?? 0} counters' batches cut in ahead of a bulk batch being decided; ` +
      `${w.onProducerRead ?? 0} decided on the pack as dispensing-api read it; ${w.redecided ?? 0} batches decided again under the lock`,
  );
  const pg = run.postgres as Record<string, string>;
  console.log(
    `PostgreSQL server: ${Object.entries(pg)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const d = run.diskDuringIngest as DiskPressureSummary | null;
  if (d) {
    console.log(
      `disk under the ingest (every ${d.intervalMs} ms): writes p50 ${d.writeMBps.p50} MB/s, p99 ${d.writeMBps.p99}, max ${d.writeMBps.max}; ` +
        `${d.burstIntervals} of ${d.intervals} intervals over 200 MB/s; every task stalled on I/O p99 ${d.ioFullStallMs.p99} ms, max ${d.ioFullStallMs.max} ms per interval; ` +
        `dirty pages p50 ${d.dirtyMB.p50} MB, max ${d.dirtyMB.max} MB`,
    );
  }
  return run;
}

/**
 * `npm run bench [-- --quick]`: every benchmark, one after another (each on its own database),
 * then one file with all of them and the summary against the targets.
 */
async function all(quick: boolean) {
  const started = Date.now();
  const calibration = machineCalibration();
  const runs: Record<string, Record<string, unknown>> = {};
  runs.ledger = await ledger(quick);
  phase('ingest benchmark: setting up…');
  runs.ingest = await ingest(quick);
  phase('warehouse benchmark: setting up…');
  runs.warehouse = await warehouse(quick);
  phase('dispense benchmark: setting up…');
  runs.dispense = await dispense(quick);
  phase('queries benchmark: setting up…');
  runs.queries = await queries(quick);
  const summary = systemSummary(runs);
  const date = new Date().toISOString();
  const run = {
    bench: 'system',
    date,
    machine: runs.ledger.machine,
    mode: quick ? 'quick' : 'full',
    durationSeconds: Math.round((Date.now() - started) / 1000),
    calibration,
    summary,
    runs,
  };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${date.slice(0, 10)}${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(run, null, 2) + '\n');
  console.log(
    `\n## Whole system: ${run.machine as string}, ${run.mode} run in ${run.durationSeconds} s, results in ${file}\n`,
  );
  console.log(
    `machine speed at the start (lower is faster): SHA-256 of 700 bytes ${calibration.sha256Of700BytesNs} ns, JSON round trip of an envelope ${calibration.jsonRoundTripUs} µs\n`,
  );
  console.log(summaryTable(summary));
}

/** `npm run bench:<name> [-- --quick]`: results to bench/results/ and a table on stdout. */
async function main() {
  const quick = process.argv.includes('--quick');
  const which = process.argv[2] ?? 'ledger';
  startHeartbeat();
  phase(`${which} benchmark${quick ? ' (quick)' : ''}: setting up…`);
  if (which === 'all') return all(quick);
  if (which === 'queries') return queries(quick);
  if (which === 'dispense') return dispense(quick);
  if (which === 'ingest') return ingest(quick);
  if (which === 'warehouse') return warehouse(quick);
  if (which !== 'ledger') throw new Error(`unknown benchmark ${which}`);
  return ledger(quick);
}

/** `npm run bench:queries [-- --quick]`. */
async function queries(quick: boolean) {
  const run = await runQueriesBench({ quick });
  save(run, quick);
  const r = run as any;
  const ms = (m: { p50: number; p99: number }) => `${m.p50.toFixed(1)} ms | ${m.p99.toFixed(1)} ms`;
  console.log(
    `\nlog of ${f(r.logSize)} entries (pack walks) built in ${r.buildSeconds.toFixed(0)} s\n`,
  );
  console.log('| regulator query (HTTP, regulator-api) | p50 | p99 | target |\n|---|---|---|---|');
  console.log(
    `| custody of a pack, with every entry's proof | ${ms(r.custodyWithProofMs)} | p99 ≤ 20 ms |`,
  );
  console.log(`| custody of a pack, without proofs | ${ms(r.custodyMs)} | |`);
  console.log(
    `| look-back of a ${f(r.lookbackPacks)}-pack lot (every pack dispensed) | ${ms(r.lookbackMs)} | ≤ 300 ms |`,
  );
  console.log(`| board of that lot | ${ms(r.boardMs)} | |`);
  return run;
}

/** `npm run bench:ledger [-- --quick]`. */
async function ledger(quick: boolean) {
  const run = await runLedgerBench({ quick });
  save(run, quick);
  const r = run as any;
  console.log(
    `machine speed (lower is faster): SHA-256 of 700 bytes ${r.calibration.sha256Of700BytesNs} ns, JSON round trip ${r.calibration.jsonRoundTripUs} µs\n`,
  );
  console.log('| measure | result |\n|---|---|');
  const rounds = r.rounds.naive.length;
  console.log(
    `| naive per-event trigger hash chain, entries only (4 writers; median of ${rounds}) | ${f(r.naiveChainEventsPerSecond)} events/s |`,
  );
  console.log(
    `| naive per-event trigger hash chain + the same projections by trigger (4 writers; median of ${rounds}) | ${f(r.naiveChainWithProjectionsEventsPerSecond)} events/s |`,
  );
  for (const b of [1, 100, 1000])
    console.log(
      `| sequencer, batches of ${b} (pipelined, 2 in flight) | ${f(r.sequencerEntriesPerSecond[`batch${b}`])} entries/s |`,
    );
  console.log(
    `| sequencer, batches of 1000, one at a time | ${f(r.sequencerEntriesPerSecond.batch1000Serial)} entries/s |`,
  );
  console.log(
    `| ratio, batches of 1000 vs naive chain with the same projections | ${r.ratioBatch1000VsNaiveWithProjections.toFixed(1)}× (rounds: ${r.rounds.batch1000.map((b: number, i: number) => (b / r.rounds.naiveWithProjections[i]).toFixed(1)).join(', ')}) |`,
  );
  console.log(
    `| ratio, batches of 1000 vs naive chain, entries only | ${r.ratioBatch1000VsNaive.toFixed(1)}× |`,
  );
  console.log(
    `| log built for proofs | ${f(r.logSize)} entries, the last ${f(r.grownEntries)} in ${r.buildSeconds.toFixed(0)} s |`,
  );
  console.log(
    `| inclusion proof at ${f(r.logSize)} entries | p50 ${r.inclusionProofMs.p50.toFixed(2)} ms, p99 ${r.inclusionProofMs.p99.toFixed(2)} ms |`,
  );
  console.log(
    `| consistency proof at ${f(r.logSize)} entries | p50 ${r.consistencyProofMs.p50.toFixed(2)} ms, p99 ${r.consistencyProofMs.p99.toFixed(2)} ms |`,
  );
  return run;
}

main().catch((err: Error) => {
  console.error(`benchmark failed: ${err.stack}`);
  process.exit(1);
});
