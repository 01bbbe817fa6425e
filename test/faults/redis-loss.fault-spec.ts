import { Redis } from 'ioredis';
import { fmt } from './support/fault-log';
import { FaultStack } from './support/fault-stack';
import { checkLogAfterLoad, waitUntilSettled } from './support/ledger-checks';
import { checkServicesRecovered, queueBacklog, settleFor } from './support/service-checks';
import { seedTraffic, TrafficLoad } from './support/traffic';

describe('fault: Redis flushed and restarted with jobs queued, under load', () => {
  let stack: FaultStack | undefined;
  afterAll(() => stack?.destroy());

  it('commits every accepted event exactly once', async () => {
    stack = await FaultStack.create({
      scenario: 'redis-loss',
      services: ['ingest-api', 'dispensing-api', 'ledger-writer'],
    });
    const { log } = stack;
    const fixtures = await seedTraffic(stack, 200);
    const writer = stack.service('ledger-writer');
    const load = new TrafficLoad(stack, fixtures, { scansPerRequest: 50 }).start();
    const redis = new Redis({ port: stack.redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await settleFor(2000);

      // 1. The sequencer is down, jobs pile up, and Redis forgets them all.
      await writer.stop();
      log.action('stopped the ledger-writer: accepted events now wait in the queue');
      await stack.waitFor('jobs queued', async () => (await queueBacklog(stack!)) >= 20);
      const flushedJobs = await queueBacklog(stack);
      const beforeFlush = load.acceptedEvents;
      await redis.connect();
      await redis.flushall();
      log.action(
        `FLUSHALL with ${fmt(flushedJobs)} ledger jobs queued (${fmt(beforeFlush - ((await stack.ledgerSize()) ?? 0) + fixtures.setupEventIds.size)} accepted events not in the ledger)`,
      );
      await settleFor(2000);

      // 2. Redis dies (kill -9, no persistence) with jobs queued, and comes back empty.
      await stack.waitFor('jobs queued again', async () => (await queueBacklog(stack!)) >= 5);
      const lostJobs = await queueBacklog(stack);
      await stack.redis.kill();
      log.action(`kill -9 redis-server with ${fmt(lostJobs)} ledger jobs queued`);
      await settleFor(1500);
      await stack.redis.start();
      log.action('started Redis again, empty (no persistence)');
      await settleFor(2000);
      await writer.start();
      log.action('started the ledger-writer again');
      await settleFor(3000);

      // 3. Redis dies under a running sequencer, its jobs in flight.
      await stack.redis.kill();
      log.action(
        `kill -9 redis-server under a running ledger-writer (ledger at ${fmt((await stack.ledgerSize()) ?? 0)} entries)`,
      );
      await settleFor(1500);
      await stack.redis.start();
      log.action('started Redis again, empty');
      const answersAfter = load.acceptedEvents;
      await settleFor(5000);
      log.check(
        'requests are accepted again after the last Redis restart, with no service restarted by hand',
        load.acceptedEvents > answersAfter,
        `${load.acceptedEvents - answersAfter} accepted since`,
      );
    } finally {
      redis.disconnect();
      await load.stop();
    }
    await waitUntilSettled(stack, fixtures.setupEventIds.size + load.acceptedEvents);
    const { rows } = await stack.owner.query(
      `SELECT count(*) FILTER (WHERE redeliveries > 0)::int AS redelivered, count(*)::int AS captures FROM captures`,
    );
    log.info(
      `the recovery sweep enqueued ${fmt(rows[0].redelivered)} of ${fmt(rows[0].captures)} captures again`,
    );
    await checkServicesRecovered(stack, { 'ledger-writer': 0 });
    await checkLogAfterLoad(stack, load, fixtures);
    log.assertAllPassed();
  });
});
