import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_POLICY } from '../platform/access-policy';
import {
  BadInputGenerator,
  BadRequest,
  discoverWriteRoutes,
  WriteRoute,
} from './support/bad-inputs';
import { fmt } from './support/fault-log';
import { FaultStack } from './support/fault-stack';
import { queueBacklog } from './support/service-checks';
import { seedTraffic } from './support/traffic';

const PER_ROUTE = 270;
const PER_BOARD_ROUTE = 30;
const IN_FLIGHT = 12;
const SERVICES = ['ingest-api', 'warehouse-api', 'dispensing-api', 'regulator-api'];

interface Answer {
  request: BadRequest;
  status: number;
  type: string;
  text: string;
}

/**
 * Every table's row count and a hash of its rows. The capture inbox may keep a row for a
 * request it answered 202 with nothing accepted (an EPCIS capture job that reports its errors,
 * a scan batch whose every scan was refused), so only its rows that carry events count, by
 * id and events (the recovery sweep stamps its own bookkeeping columns later).
 */
async function snapshot(stack: FaultStack): Promise<Map<string, string>> {
  const { rows: tables } = await stack.owner.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
      ORDER BY 1`,
  );
  const out = new Map<string, string>();
  for (const { name } of tables) {
    const rowText = name === 'captures' ? `(t.capture_id, t.event_ids)::text` : `t::text`;
    const where = name === 'captures' ? 'WHERE cardinality(t.event_ids) > 0' : '';
    const { rows } = await stack.owner.query(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(${rowText}, E'\\n' ORDER BY ${rowText})), '') AS h
         FROM "${name}" t ${where}`,
    );
    out.set(name, `${rows[0].n} rows ${rows[0].h}`);
  }
  return out;
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()]
    .filter((t) => before.get(t) !== after.get(t))
    .map((t) => `${t}: ${before.get(t)?.split(' ')[0] ?? 0} → ${after.get(t)?.split(' ')[0]} rows`);
}

/** Whatever reached the queue is written, and signed, by now. */
async function settled(stack: FaultStack) {
  await stack.waitFor('the queue to drain', async () => (await queueBacklog(stack)) === 0);
  await stack.waitFor(
    'a checkpoint of the whole log',
    async () =>
      (await stack.count('SELECT tree_size FROM ledger_tree_state')) ===
      (await stack.count('SELECT coalesce(max(tree_size), 0) FROM ledger_checkpoints')),
  );
}

async function send(stack: FaultStack, request: BadRequest): Promise<Answer> {
  try {
    const res = await stack.http(request.route.service, request.route.method, request.path, {
      headers: request.headers,
      raw: request.body,
      timeoutMs: 30_000,
    });
    return {
      request,
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text: res.text,
    };
  } catch (err) {
    return { request, status: 0, type: '', text: (err as Error).message };
  }
}

async function inParallel<T, R>(items: T[], width: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

const describeRequest = (a: Answer) =>
  `${a.request.route.method} ${a.request.path.slice(0, 120)} [${a.request.defect}] body ${String(a.request.body ?? '').slice(0, 200)} → ${a.status} ${a.text.slice(0, 300)}`;

describe('fault: generated bad inputs across every write endpoint', () => {
  let stack: FaultStack | undefined;
  afterAll(() => stack?.destroy());

  it('never answers 5xx and writes nothing', async () => {
    stack = await FaultStack.create({
      scenario: 'bad-inputs',
      services: [...SERVICES, 'ledger-writer'] as never,
      // Small, so that an oversized body is cheap to send.
      env: { HTTP_BODY_LIMIT_BYTES: String(256 * 1024) },
    });
    const { log } = stack;
    await seedTraffic(stack, 20);
    await stack.owner.query(
      `INSERT INTO organisations (code, name, type) VALUES ('CUS-1', 'Customs', 'CUSTOMS')`,
    );
    const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);
    log.info(`generator seed ${seed} (FAULTS_SEED=${seed} npm run test:faults replays it)`);
    const generator = new BadInputGenerator(stack, seed);

    const discovered = await discoverWriteRoutes(stack, SERVICES);
    const routes: WriteRoute[] = discovered.routes;
    // Write routes the access policy knows but no OpenAPI document shows are fuzzed too.
    for (const p of ACCESS_POLICY) {
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(p.method) || p.allow === 'public') continue;
      const path = p.path.replace(/:(\w+)/g, '{$1}');
      if (routes.some((r) => r.service === p.app && r.method === p.method && r.path === path))
        continue;
      routes.push({
        service: p.app,
        method: p.method,
        path,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        roles: [...p.allow],
        kind: path === '/epcis/capture' ? 'epcis' : 'dto',
      });
      log.info(
        `${p.app} ${p.method} ${p.path}: in the access policy but not in the OpenAPI document`,
      );
    }
    const business = routes.filter((r) => r.kind !== 'board');
    log.check(
      `every write endpoint in the OpenAPI documents has a row in the access policy (${business.length} endpoints on ${SERVICES.join(', ')}; ${routes.length - business.length} Bull Board write routes)`,
      discovered.unknownToPolicy.length === 0,
      discovered.unknownToPolicy.join(', '),
    );

    await settled(stack);
    let baseline = await snapshot(stack);
    const serverErrors: Answer[] = [];
    const notProblems: Answer[] = [];
    const writes: string[] = [];
    const acceptedAnswers: Answer[] = [];
    let total = 0;
    const boardStatuses = new Map<number, number>();
    const started = Date.now();

    for (const route of routes) {
      const n = route.kind === 'board' ? PER_BOARD_ROUTE : PER_ROUTE;
      const requests = Array.from({ length: n }, () => generator.next(route));
      const answers = await inParallel(requests, IN_FLIGHT, (r) => send(stack!, r));
      total += answers.length;
      const statuses = new Map<number, number>();
      for (const a of answers) {
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status >= 500 || a.status === 0) serverErrors.push(a);
        else if (
          route.kind !== 'board' &&
          a.status >= 400 &&
          !/application\/problem\+json/.test(a.type)
        ) {
          notProblems.push(a);
        } else if (a.status < 300) acceptedAnswers.push(a);
      }
      await settled(stack);
      const after = await snapshot(stack);
      const changed = changedTables(baseline, after);
      const name = `${route.method} ${route.path}`;
      if (changed.length) {
        const letThrough = answers.filter((a) => a.status < 300).map(describeRequest);
        writes.push(
          `${name}: ${changed.join('; ')}; the requests it answered 2xx:\n      ${letThrough.slice(0, 10).join('\n      ')}`,
        );
        baseline = after;
      }
      const counts = [...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, c]) => `${s || 'no answer'}×${c}`)
        .join(' ');
      if (route.kind === 'board') {
        for (const [s, c] of statuses) boardStatuses.set(s, (boardStatuses.get(s) ?? 0) + c);
      } else {
        log.info(
          `${name} (${route.service}, admits ${route.roles.join('/')}): ${n} bad inputs → ${counts}${changed.length ? ` — WROTE ${changed.join('; ')}` : ''}`,
        );
      }
    }
    const seconds = (Date.now() - started) / 1000;
    // Every request that was let through or broke something, in full, for whoever debugs it.
    const dump = (name: string, answers: Answer[]) =>
      writeFileSync(
        join(stack!.logDir, name),
        answers
          .map((a) =>
            JSON.stringify({
              method: a.request.route.method,
              path: a.request.path,
              defect: a.request.defect,
              headers: a.request.headers,
              body: String(a.request.body ?? '').slice(0, 4000),
              status: a.status,
              answer: a.text.slice(0, 2000),
            }),
          )
          .join('\n'),
      );
    dump('answered-2xx.jsonl', acceptedAnswers);
    dump('answered-5xx.jsonl', serverErrors);
    log.info(
      `Bull Board (${routes.length - business.length} write routes): ${fmt(PER_BOARD_ROUTE * (routes.length - business.length))} bad inputs → ${[...boardStatuses].map(([s, c]) => `${s}×${c}`).join(' ')}`,
    );
    log.action(
      `sent ${fmt(total)} generated bad requests to ${routes.length} write routes in ${seconds.toFixed(1)} s (${IN_FLIGHT} in flight)`,
    );
    log.check(`at least 10,000 bad inputs were sent`, total >= 10_000, `${total}`);
    log.check(
      `no answer was a 5xx (or none at all)`,
      serverErrors.length === 0,
      `${serverErrors.length}:\n    ${serverErrors.slice(0, 10).map(describeRequest).join('\n    ')}`,
    );
    log.check(
      `every refusal is application/problem+json`,
      notProblems.length === 0,
      `${notProblems.length}:\n    ${notProblems.slice(0, 5).map(describeRequest).join('\n    ')}`,
    );
    const { rows } = await stack.owner.query(
      `SELECT count(*)::int AS n FROM captures WHERE cardinality(event_ids) = 0`,
    );
    log.info(
      `${fmt(acceptedAnswers.length)} bad inputs were answered 2xx (a scan batch with every scan refused, a parse of bad scans); the capture inbox holds ${rows[0].n} capture record(s) with no event (their refusals, as GS1 capture jobs report them)`,
    );
    log.check(
      `nothing was written: every table (ledger, tree, checkpoints, projections, every service's own) is byte-for-byte as before`,
      writes.length === 0,
      writes.join('\n    '),
    );
    const restarted = [...stack.services.values()].filter((s) => s.restarts > 0);
    log.check(
      'no service crashed',
      restarted.length === 0,
      restarted.map((s) => s.instance).join(', '),
    );
    log.assertAllPassed();
  });
});
