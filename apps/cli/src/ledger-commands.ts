import { AppConfig } from '@trace/config';
import { buildDataSourceOptions } from '@trace/database';
import { parseVerifierKey, verifyReceipt, verifyReceiptJson } from '@trace/ledger';
import {
  auditLedger,
  DomainUnitEventEvaluator,
  verifyCustodyAnswer,
  loadLedgerSigner,
  rebuildProjections,
  SqlExecutor,
} from '@trace/ledger-store';
import { SingleBar, Presets } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';

/** `cli verify`: the full offline audit of the stored log. Exit code 1 on any problem. */
export async function verifyCommand(cfg: AppConfig, opts: { key?: string }): Promise<number> {
  const vkey = opts.key ?? loadLedgerSigner(cfg.ledger).verifierKey;
  const ds = new DataSource(buildDataSourceOptions(cfg.database, 'app', 'trace-ledger-verify'));
  await ds.initialize();
  const bar = new SingleBar(
    { format: 'verifying {bar} {value}/{total} entries  {eta_formatted} left', hideCursor: true },
    Presets.shades_classic,
  );
  const started = Date.now();
  let barStarted = false;
  try {
    const report = await auditLedger(ds, [parseVerifierKey(vkey)], (done, total) => {
      if (!barStarted && process.stderr.isTTY) {
        bar.start(total, 0);
        barStarted = true;
      }
      if (barStarted) bar.update(done);
    });
    if (barStarted) bar.stop();
    const seconds = (Date.now() - started) / 1000;
    if (report.ok) {
      console.log(
        `OK: ${report.entries} entries and ${report.checkpoints} checkpoints verified in ${seconds.toFixed(1)} s (${Math.round(report.entries / Math.max(seconds, 0.001))} entries/s); root ${report.root}`,
      );
      return 0;
    }
    console.log(`FAILED at entry ${report.firstProblem!.index}: ${report.firstProblem!.problem}`);
    return 1;
  } finally {
    if (barStarted) bar.stop();
    await ds.destroy();
  }
}

/**
 * `cli verify-receipt <file> --key <vkey>`: no database. The file is the JSON receipt of
 * GET /v1/ledger/entries/{i}/receipt, a custody answer of GET /v1/units/{gtin}/{serial}/custody
 * ?proof=true, or the tlog-proof@v1 text with --entry <file>.
 */
export function verifyReceiptCommand(file: string, opts: { key: string; entry?: string }): number {
  const verifiers = [parseVerifierKey(opts.key)];
  const text = readFileSync(file, 'utf8');
  try {
    let index: number;
    const json = text.trimStart().startsWith('{')
      ? (JSON.parse(text) as Record<string, unknown>)
      : null;
    if (json && Array.isArray(json.events)) {
      // A custody answer (?proof=true): every entry's receipt against its one checkpoint.
      const custody = verifyCustodyAnswer(json, verifiers);
      console.log(
        `OK: all ${custody.events} entries of the custody answer are in the log of size ${custody.treeSize} signed by ${opts.key.split('+')[0]}, and the answer shows what they say`,
      );
      return 0;
    }
    if (json) {
      index = verifyReceiptJson(json, verifiers).index;
    } else {
      if (!opts.entry)
        throw new Error('a tlog-proof text receipt needs --entry <file with the entry bytes>');
      index = verifyReceipt({
        receiptText: text,
        entryBytes: readFileSync(opts.entry),
        verifiers,
      }).index;
    }
    console.log(`OK: entry ${index} is in the log signed by ${opts.key.split('+')[0]}`);
    return 0;
  } catch (err) {
    console.log(`FAILED: ${(err as Error).message}`);
    return 1;
  }
}

/** `cli rebuild-projections`: empty the projections and replay the whole ledger into them. */
export async function rebuildProjectionsCommand(cfg: AppConfig): Promise<number> {
  const ds = new DataSource(buildDataSourceOptions(cfg.database, 'app', 'trace-ledger-rebuild'));
  await ds.initialize();
  const started = Date.now();
  try {
    const report = await rebuildProjections(
      (work) => ds.transaction((manager) => work(manager as unknown as SqlExecutor)),
      new DomainUnitEventEvaluator(),
      (done) => process.stderr.isTTY && process.stderr.write(`\rreplayed ${done} entries`),
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `Projections rebuilt from ${report.entries} entries (${report.events} events, ${report.alerts} alerts) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } catch (err) {
    console.log(`FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    await ds.destroy();
  }
}
