import { openCheckpoint, parseVerifierKey, verifyConsistency } from '@trace/ledger';
import { fmt } from './fault-log';
import type { FaultStack } from './fault-stack';
import type { TrafficFixtures, TrafficLoad } from './traffic';

interface EntryRow {
  idx: string;
  event_id: string;
  entry_type: 'event' | 'alert';
  action: string;
  entry: Buffer;
}

const sample = (items: Iterable<string>, n = 5) => {
  const all = [...items];
  return all.slice(0, n).join(', ') + (all.length > n ? `, … (${fmt(all.length)} in all)` : '');
};

/**
 * Waits until the system has settled after the faults: every capture the inbox holds is
 * closed by the recovery sweep (all its events in the ledger), no ledger job is waiting, and
 * the ledger has at least as many entries as were accepted.
 */
export async function waitUntilSettled(
  stack: FaultStack,
  expectedAtLeast: number,
  timeoutMs = 90_000,
): Promise<void> {
  const started = Date.now();
  await stack.waitFor(
    `every accepted event in the ledger (at least ${fmt(expectedAtLeast)} entries)`,
    async () => {
      const { rows } = await stack.owner.query(
        `SELECT (SELECT count(*) FROM ledger_entries)::int AS entries,
                (SELECT count(*) FROM captures WHERE sequenced_at IS NULL)::int AS open_captures`,
      );
      return rows[0].entries >= expectedAtLeast && rows[0].open_captures === 0;
    },
    timeoutMs,
    250,
  );
  stack.log.info(
    `settled in ${((Date.now() - started) / 1000).toFixed(1)} s after the load stopped`,
  );
}

/**
 * Reads the whole log and checks, from the entries themselves (not from the inbox or the
 * projections), that every accepted request is in it exactly once and nothing else is.
 */
export async function checkAcceptedExactlyOnce(
  stack: FaultStack,
  load: TrafficLoad,
  fixtures: TrafficFixtures,
): Promise<void> {
  const { log } = stack;
  const { rows } = await stack.owner.query<EntryRow>(
    'SELECT idx, event_id, entry_type, action, entry FROM ledger_entries ORDER BY idx',
  );
  const announced = new Map<string, number>(); // serial → ANNOUNCE event entries
  const dispensed = new Map<string, number[]>(); // serial → DISPENSE event entries
  const alerts: string[] = [];
  const fromNowhere: string[] = [];
  const eventIds = new Map<string, string>(); // event id → entry type
  const accepted = new Set<string>([
    ...load.acceptedScanSerials,
    ...[...load.acceptedEpcis.values()].flat(),
  ]);
  for (const row of rows) {
    const envelope = JSON.parse(row.entry.toString('utf8')) as {
      units: { serial: string }[];
    };
    eventIds.set(row.event_id, row.entry_type);
    const serials = envelope.units.map((u) => u.serial);
    if (row.entry_type === 'alert') alerts.push(`${row.idx} (${row.action} ${serials.join(' ')})`);
    if (fixtures.setupEventIds.has(row.event_id)) continue;
    for (const serial of serials) {
      if (row.action === 'ANNOUNCE' && row.entry_type === 'event') {
        announced.set(serial, (announced.get(serial) ?? 0) + 1);
        if (!accepted.has(serial) && !load.uncertainSerials.has(serial)) {
          fromNowhere.push(`${row.idx} (${serial})`);
        }
      } else if (row.action === 'DISPENSE' && row.entry_type === 'event') {
        dispensed.set(serial, [...(dispensed.get(serial) ?? []), Number(row.idx)]);
      } else if (row.entry_type === 'event') {
        // The load announces and dispenses, nothing else (refusals are counted below).
        fromNowhere.push(`${row.idx} (${row.action} ${serial})`);
      }
    }
  }

  const missingScans = load.acceptedScanSerials.filter((s) => !announced.has(s));
  log.check(
    `every pack of the ${fmt(load.acceptedScanSerials.length)} accepted scans (202) is announced in the ledger`,
    missingScans.length === 0,
    `missing: ${sample(missingScans)}`,
  );
  const missingEpcis = [...load.acceptedEpcis.keys()].filter((id) => eventIds.get(id) !== 'event');
  log.check(
    `every one of the ${fmt(load.acceptedEpcis.size)} accepted EPCIS events (202) is a ledger entry`,
    missingEpcis.length === 0,
    `missing: ${sample(missingEpcis)}`,
  );
  const twice = [...announced.entries()].filter(([, n]) => n > 1).map(([s, n]) => `${s}×${n}`);
  log.check(
    `no pack is announced twice (${fmt(announced.size)} packs announced)`,
    twice.length === 0,
    sample(twice),
  );
  const dispenseProblems: string[] = [];
  for (const [serial, index] of load.acceptedDispenses) {
    const at = dispensed.get(serial) ?? [];
    if (at.length !== 1 || at[0] !== index) {
      dispenseProblems.push(`${serial}: answered index ${index}, entries ${JSON.stringify(at)}`);
    }
  }
  for (const [serial, at] of dispensed) {
    if (!load.acceptedDispenses.has(serial) && !load.uncertainSerials.has(serial)) {
      dispenseProblems.push(`${serial}: dispensed at ${JSON.stringify(at)} but never answered 201`);
    }
  }
  log.check(
    `each of the ${fmt(load.acceptedDispenses.size)} dispenses answered 201 is exactly one DISPENSE entry, at the index the answer gave`,
    dispenseProblems.length === 0,
    sample(dispenseProblems),
  );
  log.check(
    `no entry that nobody was promised (every entry is setup, accepted, or a request without a definite answer)`,
    fromNowhere.length === 0,
    sample(fromNowhere),
  );
  // A redelivered event is answered from its stored verdict: deciding it again would refuse
  // it (already announced / dispensed) and leave an alert entry.
  log.check(
    `no refusal (alert entry) in the log: nothing was decided twice`,
    alerts.length === 0,
    sample(alerts),
  );
  const uncertainInLedger = [...load.uncertainSerials].filter((s) => announced.has(s)).length;
  if (load.uncertainSerials.size > 0) {
    log.info(
      `of ${fmt(load.uncertainSerials.size)} packs sent without a definite answer, ${fmt(uncertainInLedger)} reached the ledger (allowed either way, at most once)`,
    );
  }
  if (load.refusedDispenses.size > 0) {
    log.check(
      'no dispense refused',
      false,
      sample([...load.refusedDispenses].map(([s, why]) => `${s}: ${why}`)),
    );
  }
}

/** `cli verify` as an operator runs it: every leaf, tile, checkpoint root and signature. */
export async function checkAudit(stack: FaultStack): Promise<void> {
  const res = await stack.cli('verify');
  const ok = res.code === 0 && /^OK: \d+ entries and \d+ checkpoints verified/m.test(res.out);
  stack.log.check(`cli verify: ${res.out.trim().split('\n').pop()}`, ok, res.out.trim());
}

const PROJECTIONS: Record<string, string> = {
  units: 'SELECT t::text AS r FROM units t',
  unit_events: 'SELECT t::text AS r FROM unit_events t',
  container_events: 'SELECT t::text AS r FROM container_events t',
  unit_aliases: 'SELECT t::text AS r FROM unit_aliases t',
  containers: 'SELECT t::text AS r FROM containers t',
  stock_counts: 'SELECT t::text AS r FROM stock_counts t',
  'approvals.used': "SELECT approval_no || ' ' || used AS r FROM approvals",
};

async function dumpProjections(stack: FaultStack): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, sql] of Object.entries(PROJECTIONS)) {
    const { rows } = await stack.owner.query<{ r: string }>(`${sql} ORDER BY 1`);
    out[name] = rows.map((row) => row.r);
  }
  return out;
}

/**
 * The projections the sequencer kept while being broken equal a replay of the log
 * (`cli rebuild-projections`). Every writer must be stopped first.
 */
export async function checkProjectionsEqualRebuild(stack: FaultStack): Promise<void> {
  const live = await dumpProjections(stack);
  const res = await stack.cli('rebuild-projections');
  stack.log.action(`cli rebuild-projections: ${res.out.trim().split('\n').pop()}`);
  const rebuilt = await dumpProjections(stack);
  const differences: string[] = [];
  for (const name of Object.keys(PROJECTIONS)) {
    const a = live[name];
    const b = new Set(rebuilt[name]);
    const onlyLive = a.filter((r) => !b.has(r));
    const liveSet = new Set(a);
    const onlyRebuilt = rebuilt[name].filter((r) => !liveSet.has(r));
    if (onlyLive.length || onlyRebuilt.length || a.length !== rebuilt[name].length) {
      differences.push(
        `${name}: ${a.length} rows live, ${rebuilt[name].length} rebuilt; live only ${sample(onlyLive, 2)}; rebuilt only ${sample(onlyRebuilt, 2)}`,
      );
    }
  }
  const rows = Object.values(live).reduce((n, r) => n + r.length, 0);
  stack.log.check(
    `projections (units, unit_events, stock_counts, containers…, approvals.used: ${fmt(rows)} rows) equal a rebuild from the log`,
    res.code === 0 && differences.length === 0,
    res.code !== 0 ? res.out : differences.join('; '),
  );
}

export interface ObservedCheckpoint {
  size: number;
  root: Buffer;
}

/** The latest signed checkpoint, as a regulator's monitor fetches and checks it. */
export async function fetchCheckpoint(
  stack: FaultStack,
  instance = 'regulator-api',
): Promise<ObservedCheckpoint | null> {
  try {
    const [note, key] = await Promise.all([
      stack.http(instance, 'GET', '/v1/ledger/checkpoint'),
      stack.http(instance, 'GET', '/v1/ledger/key'),
    ]);
    if (note.status !== 200 || key.status !== 200) return null;
    // Signature checked the way an outside verifier does, then the body read.
    const cp = openCheckpoint(note.text, [parseVerifierKey(key.text.trim())]);
    return { size: cp.size, root: Buffer.from(cp.root) };
  } catch {
    return null;
  }
}

/**
 * Every checkpoint a monitor saw while things were breaking is consistent with the final
 * log: one history, no fork (RFC 9162 consistency proofs served by regulator-api).
 */
export async function checkConsistentWithFinal(
  stack: FaultStack,
  seen: ObservedCheckpoint[],
): Promise<void> {
  const final = await fetchCheckpoint(stack);
  if (!final) {
    stack.log.check('the final checkpoint can be fetched', false);
    return;
  }
  const admin = stack.bearer('ada', 'REG-1', 'admin');
  const bad: string[] = [];
  const distinct = new Map<number, ObservedCheckpoint>();
  for (const cp of seen) {
    const other = distinct.get(cp.size);
    if (other && !other.root.equals(cp.root)) bad.push(`two roots signed for size ${cp.size}`);
    distinct.set(cp.size, cp);
  }
  for (const cp of distinct.values()) {
    if (cp.size === 0 || cp.size > final.size) continue;
    if (cp.size === final.size) {
      if (!cp.root.equals(final.root)) bad.push(`size ${cp.size}: another root`);
      continue;
    }
    const proof = await stack.http(
      'regulator-api',
      'GET',
      `/v1/ledger/proofs/consistency?from=${cp.size}&to=${final.size}`,
      { token: admin },
    );
    const hashes = (proof.body?.hashes ?? []).map((h: string) => Buffer.from(h, 'base64'));
    if (!verifyConsistency(cp.size, final.size, hashes, cp.root, final.root)) {
      bad.push(`checkpoint ${cp.size} is not consistent with ${final.size}`);
    }
  }
  stack.log.check(
    `all ${fmt(distinct.size)} checkpoints seen during the run are consistent with the final one (size ${fmt(final.size)}): one log, no fork`,
    bad.length === 0,
    sample(bad),
  );
}

/** Fetches the served checkpoint every 300 ms (a regulator watching), until stopped. */
export function watchCheckpoints(stack: FaultStack): { seen: ObservedCheckpoint[]; stop(): void } {
  const seen: ObservedCheckpoint[] = [];
  const timer = setInterval(
    () => void fetchCheckpoint(stack).then((cp) => cp && seen.push(cp)),
    300,
  );
  return { seen, stop: () => clearInterval(timer) };
}

/**
 * What every scenario under load checks at the end, from the log itself: each accepted request
 * exactly once, every checkpoint seen consistent with the final one (when watched), then, with
 * the services stopped, `cli verify` and the projections against a rebuild.
 */
export async function checkLogAfterLoad(
  stack: FaultStack,
  load: TrafficLoad,
  fixtures: TrafficFixtures,
  seen?: ObservedCheckpoint[],
): Promise<void> {
  await checkAcceptedExactlyOnce(stack, load, fixtures);
  if (seen) await checkConsistentWithFinal(stack, seen);
  await Promise.all([...stack.services.values()].map((s) => s.stop()));
  await checkAudit(stack);
  await checkProjectionsEqualRebuild(stack);
}
