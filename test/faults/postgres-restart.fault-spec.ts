import { fmt } from './support/fault-log';
import { FaultStack } from './support/fault-stack';
import { checkLogAfterLoad, waitUntilSettled, watchCheckpoints } from './support/ledger-checks';
import { checkServicesRecovered, settleFor } from './support/service-checks';
import { seedTraffic, TrafficLoad } from './support/traffic';

describe('fault: PostgreSQL restarted under load', () => {
  let stack: FaultStack | undefined;
  afterAll(() => stack?.destroy());

  it('services recover by themselves and nothing accepted is lost', async () => {
    stack = await FaultStack.create({
      scenario: 'postgres-restart',
      services: ['ingest-api', 'dispensing-api', 'regulator-api', 'ledger-writer'],
    });
    const { log } = stack;
    const fixtures = await seedTraffic(stack, 200);
    const load = new TrafficLoad(stack, fixtures, { scansPerRequest: 50 }).start();
    const checkpoints = watchCheckpoints(stack);
    const restarts: { mode: 'fast' | 'immediate'; what: string }[] = [
      { mode: 'fast', what: 'an orderly shutdown (pg_ctl stop -m fast)' },
      { mode: 'immediate', what: 'a crash (pg_ctl stop -m immediate: no checkpoint, WAL replay)' },
    ];
    try {
      for (const { mode, what } of restarts) {
        await settleFor(3000);
        const size = await stack.ledgerSize();
        await stack.pg.stop(mode);
        log.action(`stopped PostgreSQL by ${what}, ledger at ${fmt(size ?? 0)} entries`);
        await settleFor(2000);
        await stack.pg.start();
        log.action('started PostgreSQL again');
        const restartedAt = Date.now();
        const before = load.acceptedEvents;
        await stack.waitFor(
          'a request accepted after the restart',
          async () => load.acceptedEvents > before + 100,
          60_000,
        );
        log.info(
          `the services accept requests again ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after PostgreSQL is back`,
        );
      }
      await settleFor(3000);
    } finally {
      await load.stop();
    }
    await waitUntilSettled(stack, fixtures.setupEventIds.size + load.acceptedEvents);
    checkpoints.stop();
    const failed = [...load.answers].filter(([k]) => / 5\d\d$|no answer/.test(k));
    log.info(
      `answers while the database was away: ${failed.map(([k, n]) => `${k}: ${fmt(n)}`).join(', ') || 'none failed'}`,
    );
    // A database away for a moment is not a fault of the request: 503 with Retry-After says
    // "send it again", where a 500 leaves the client not knowing.
    const internalErrors = failed.filter(([k]) => / 500$/.test(k));
    log.check(
      'while the database was away the services answered 503 (retry), never 500',
      internalErrors.length === 0,
      internalErrors.map(([k, n]) => `${k}: ${n}`).join(', '),
    );
    // The ledger-writer exits when its leader-lock session dies (crash-only, ADR 0004); its
    // supervisor starts it again. The other services must reconnect on their own.
    await checkServicesRecovered(stack, { 'ledger-writer': restarts.length });
    await checkLogAfterLoad(stack, load, fixtures, checkpoints.seen);
    log.assertAllPassed();
  });
});
