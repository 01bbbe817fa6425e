import { DomainUnitEventEvaluator, LedgerReader, LedgerSequencer } from '@trace/ledger-store';
import type { LedgerEventInput } from '@trace/queue';
import { gs1CheckDigit } from '@trace/identifiers';
import { cpus, totalmem } from 'node:os';
import { Pool } from 'pg';
import { machineCalibration } from './machine-calibration';
import {
  createBenchDatabase,
  percentile,
  poolTransactions,
  progress,
  phase,
} from './bench-database';

const GTIN = '0030012345001' + gs1CheckDigit('0030012345001');
const actor = { sub: 'bench', org: 'IMP-BENCH', roles: ['importer'] };
let serial = 0;

function announceEvents(n: number): LedgerEventInput[] {
  return Array.from({ length: n }, () => {
    const s = `B${(serial++).toString(36)}`;
    return {
      eventId: `urn:uuid:bench-${process.pid}-${s}`,
      action: 'ANNOUNCE',
      eventTime: '2026-06-01T10:00:00.000Z',
      actor,
      epcis: {
        type: 'ObjectEvent',
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList: [`urn:epc:id:sgtin:0030012.034500.${s}`],
        eventTime: '2026-06-01T10:00:00.000Z',
        eventTimeZoneOffset: '+08:00',
      },
      units: [{ gtin: GTIN, serial: s, lot: 'LOT-2026-01', expiry: '2028-12-31' }],
      refs: { declarationNo: 'DECL-BENCH' },
      context: { locationCode: 'BW-LECHENG-AMB' },
    };
  });
}

/**
 * What a naive design does: a trigger chains each row to the previous, one event per
 * transaction. It keeps only the entry and its event id (unique, as at-least-once delivery
 * needs in any design) — no projections, no tree — so it flatters the baseline.
 */
async function naiveChain(pool: Pool, n: number): Promise<number> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS bench_naive_chain (id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, entry bytea NOT NULL, prev bytea, hash bytea);
    CREATE OR REPLACE FUNCTION bench_naive_chain_hash() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE last bytea;
    BEGIN
      PERFORM pg_advisory_xact_lock(42);
      SELECT hash INTO last FROM bench_naive_chain ORDER BY id DESC LIMIT 1;
      NEW.prev := coalesce(last, '\\x'::bytea);
      NEW.hash := sha256(NEW.prev || NEW.entry);
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS bench_naive_chain_hash ON bench_naive_chain;
    CREATE TRIGGER bench_naive_chain_hash BEFORE INSERT ON bench_naive_chain FOR EACH ROW EXECUTE FUNCTION bench_naive_chain_hash();`);
  const events = announceEvents(n).map((e) => [e.eventId, Buffer.from(JSON.stringify(e))]);
  // Several writers, as several service instances would be.
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < events.length) {
        await pool.query(
          'INSERT INTO bench_naive_chain (event_id, entry) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          events[next++],
        );
      }
    }),
  );
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * The same naive design doing the sequencer's whole job per event: the chain trigger, plus
 * triggers that check the unit's state and keep the same projections (current unit, its
 * event index, stock counts). One event per transaction, four writers.
 */
async function naiveChainWithProjections(pool: Pool, n: number): Promise<number> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS bench_naive_ledger (id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE,
      entry jsonb NOT NULL, prev bytea, hash bytea);
    CREATE TABLE IF NOT EXISTS bench_naive_units (gtin text, serial text, lot text NOT NULL, state text NOT NULL,
      custodian_org text NOT NULL, location_code text, declaration_no text, last_index bigint NOT NULL,
      PRIMARY KEY (gtin, serial));
    CREATE INDEX IF NOT EXISTS bench_naive_units_lot ON bench_naive_units (gtin, lot);
    CREATE INDEX IF NOT EXISTS bench_naive_units_custodian ON bench_naive_units (custodian_org, state);
    CREATE TABLE IF NOT EXISTS bench_naive_unit_events (gtin text, serial text, idx bigint, PRIMARY KEY (gtin, serial, idx));
    CREATE TABLE IF NOT EXISTS bench_naive_stock (custodian_org text, location_code text, gtin text, lot text,
      state text, units int NOT NULL, PRIMARY KEY (custodian_org, location_code, gtin, lot, state));
    CREATE OR REPLACE FUNCTION bench_naive_ledger_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE last bytea;
    BEGIN
      PERFORM pg_advisory_xact_lock(43);
      SELECT hash INTO last FROM bench_naive_ledger ORDER BY id DESC LIMIT 1;
      NEW.prev := coalesce(last, '\\x'::bytea);
      NEW.hash := sha256(NEW.prev || convert_to(NEW.entry::text, 'UTF8'));
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS chain ON bench_naive_ledger;
    CREATE TRIGGER chain BEFORE INSERT ON bench_naive_ledger FOR EACH ROW EXECUTE FUNCTION bench_naive_ledger_chain();
    CREATE OR REPLACE FUNCTION bench_naive_ledger_project() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE u jsonb;
    BEGIN
      FOR u IN SELECT * FROM jsonb_array_elements(NEW.entry->'units') LOOP
        IF EXISTS (SELECT 1 FROM bench_naive_units WHERE gtin = u->>'gtin' AND serial = u->>'serial') THEN
          RAISE EXCEPTION 'unit already announced';
        END IF;
        INSERT INTO bench_naive_units VALUES (u->>'gtin', u->>'serial', u->>'lot', 'ANNOUNCED',
          NEW.entry->'actor'->>'org', NEW.entry->'context'->>'locationCode',
          NEW.entry->'refs'->>'declarationNo', NEW.id);
        INSERT INTO bench_naive_unit_events VALUES (u->>'gtin', u->>'serial', NEW.id);
        INSERT INTO bench_naive_stock VALUES (NEW.entry->'actor'->>'org',
          NEW.entry->'context'->>'locationCode', u->>'gtin', u->>'lot', 'ANNOUNCED', 1)
          ON CONFLICT (custodian_org, location_code, gtin, lot, state)
          DO UPDATE SET units = bench_naive_stock.units + 1;
      END LOOP;
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS project ON bench_naive_ledger;
    CREATE TRIGGER project AFTER INSERT ON bench_naive_ledger FOR EACH ROW EXECUTE FUNCTION bench_naive_ledger_project();`);
  const events = announceEvents(n).map((e) => [e.eventId, JSON.stringify(e)]);
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < events.length) {
        await pool.query(
          'INSERT INTO bench_naive_ledger (event_id, entry) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          events[next++],
        );
      }
    }),
  );
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function sequencerRate(
  sequencer: LedgerSequencer,
  batch: number,
  total: number,
  label: string,
  inFlight = 2,
): Promise<number> {
  const bar = progress(label);
  // Producing the events is the producers' work, not the sequencer's: done before the clock.
  const batches: LedgerEventInput[][] = [];
  for (let done = 0; done < total; done += batch) {
    batches.push(announceEvents(Math.min(batch, total - done)));
  }
  const started = process.hrtime.bigint();
  // `inFlight` batches handed over at once, as the ledger-writer's collector does.
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < batches.length) {
        const verdicts = await sequencer.sequence(batches[next++]);
        if (!verdicts.every((v) => v.accepted)) throw new Error('bench events were refused');
        done += verdicts.length;
        bar.tick(done, total);
      }
    }),
  );
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function runLedgerBench(opts: { quick: boolean }) {
  const logSize = opts.quick ? 100_000 : 1_000_000;
  const db = await createBenchDatabase();
  const run: Record<string, unknown> = {
    bench: 'ledger',
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    mode: opts.quick ? 'quick' : 'full',
    calibration: machineCalibration(),
  };
  try {
    // As the ledger-writer runs it: reads outside the transaction, two batches in flight.
    const sequencer = new LedgerSequencer(
      poolTransactions(db.pool),
      new DomainUnitEventEvaluator(),
      () => new Date(),
      db.pool,
    );
    // Steady state, as a running ledger-writer is: the first batches compile the hot code and
    // fill the connections' caches. Not timed.
    phase('warming the sequencer up (5,000 entries, not timed)…');
    await sequencerRate(sequencer, 1000, 5000, 'warm-up');
    // The ratio's three rates are measured in rounds, interleaved, so that a noisy moment of
    // this shared machine touches all three alike; the medians are reported.
    const rounds = 5;
    const naiveRuns: number[] = [];
    const sameWorkRuns: number[] = [];
    const batch1000Runs: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      phase(`round ${round} of ${rounds}: naive chains, sequencer at 1000…`);
      naiveRuns.push(await naiveChain(db.ownerPool, opts.quick ? 1000 : 3000));
      sameWorkRuns.push(await naiveChainWithProjections(db.ownerPool, opts.quick ? 1000 : 3000));
      batch1000Runs.push(
        await sequencerRate(
          sequencer,
          1000,
          opts.quick ? 10_000 : 30_000,
          `batch 1000, round ${round}`,
        ),
      );
    }
    const naive = median(naiveRuns);
    const naiveSameWork = median(sameWorkRuns);
    const rates: Record<string, number> = {};
    for (const [batch, total] of [
      [1, opts.quick ? 1000 : 3000],
      [100, opts.quick ? 10_000 : 30_000],
    ]) {
      phase(`sequencer, batches of ${batch}…`);
      rates[`batch${batch}`] = await sequencerRate(sequencer, batch, total, `batch ${batch}`);
    }
    rates.batch1000 = median(batch1000Runs);
    run.rounds = { naive: naiveRuns, naiveWithProjections: sameWorkRuns, batch1000: batch1000Runs };
    phase('sequencer, batches of 1000, one at a time (no pipelining)…');
    rates.batch1000Serial = await sequencerRate(
      new LedgerSequencer(poolTransactions(db.pool), new DomainUnitEventEvaluator()),
      1000,
      opts.quick ? 20_000 : 60_000,
      'batch 1000 serial',
      1,
    );
    run.sequencerEntriesPerSecond = rates;
    run.pipeline = sequencer.stats;
    run.naiveChainEventsPerSecond = naive;
    run.ratioBatch1000VsNaive = rates.batch1000 / naive;
    run.naiveChainWithProjectionsEventsPerSecond = naiveSameWork;
    run.ratioBatch1000VsNaiveWithProjections = rates.batch1000 / naiveSameWork;

    const reader = new LedgerReader(db.pool);
    const have = await reader.size();
    phase(`growing the log to ${logSize} entries…`);
    const growStarted = Date.now();
    await sequencerRate(sequencer, 1000, logSize - have, 'grow');
    // The rounds above already wrote part of the log: only the rest is timed here.
    run.grownEntries = logSize - have;
    run.logSize = await reader.size();
    run.buildSeconds = (Date.now() - growStarted) / 1000;

    phase('inclusion and consistency proofs…');
    const size = run.logSize as number;
    const inclusion: number[] = [];
    const consistency: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const index = Math.floor(Math.random() * size);
      let t = process.hrtime.bigint();
      await reader.inclusionProof(index, size);
      inclusion.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await reader.consistencyProof(Math.max(1, index), size);
      consistency.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    inclusion.sort((a, b) => a - b);
    consistency.sort((a, b) => a - b);
    run.inclusionProofMs = { p50: percentile(inclusion, 50), p99: percentile(inclusion, 99) };
    run.consistencyProofMs = { p50: percentile(consistency, 50), p99: percentile(consistency, 99) };
    return run;
  } finally {
    await db.drop();
  }
}
