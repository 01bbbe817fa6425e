import { fmt } from './support/fault-log';
import { FaultStack, ServiceProcess } from './support/fault-stack';
import { checkLogAfterLoad, waitUntilSettled, watchCheckpoints } from './support/ledger-checks';
import { settleFor } from './support/service-checks';
import { seedTraffic, TrafficLoad } from './support/traffic';
import { batchOutcome, isLeader, waitForOpenBatch } from './support/writer-probes';

const TAKEOVERS = 3;

describe('fault: a second ledger-writer, and the leader killed under load', () => {
  let stack: FaultStack | undefined;
  afterAll(() => stack?.destroy());

  it('the standby waits, then takes over; one log, no fork', async () => {
    stack = await FaultStack.create({
      scenario: 'leader-failover',
      services: ['ingest-api', 'dispensing-api', 'regulator-api', 'ledger-writer'],
    });
    const { log } = stack;
    const fixtures = await seedTraffic(stack, 200);
    const checkpoints = watchCheckpoints(stack);
    const load = new TrafficLoad(stack, fixtures, { scansPerRequest: 50 }).start();
    const writers = [stack.service('ledger-writer')];
    const roles = async () =>
      Promise.all(writers.map(async (w) => ({ w, leader: await isLeader(stack!, w.instance) })));
    try {
      await settleFor(1500);
      writers.push(await stack.startService('ledger-writer', 'ledger-writer-2'));
      log.action('started a second ledger-writer (ledger-writer-2) beside the running one');
      await settleFor(2000);
      const both = await roles();
      const standbySaid = /waiting as standby/.test(writers[1].recentOutput);
      log.check(
        'exactly one ledger-writer leads; the second waits as standby (ledger_leader 1 / 0, "waiting as standby")',
        both[0].leader === true && both[1].leader === false && standbySaid,
        JSON.stringify(both.map((r) => [r.w.instance, r.leader])) +
          ` standby said so: ${standbySaid}`,
      );

      const takeoverTimes: number[] = [];
      for (let round = 1; round <= TAKEOVERS; round++) {
        const current = await roles();
        const leader = current.find((r) => r.leader)?.w;
        const standby = current.find((r) => r.leader === false)?.w;
        if (!leader || !standby) {
          log.check(
            `round ${round}: one leader and one standby`,
            false,
            current.map((r) => `${r.w.instance}: ${r.leader}`).join(', '),
          );
          break;
        }
        const sizeAtKill = (await stack.ledgerSize()) ?? 0;
        const batch = await waitForOpenBatch(stack);
        const killedAt = Date.now();
        await leader.kill9({ restart: true });
        log.action(
          `kill -9 the leader ${leader.instance} ${batch ? `mid-batch (transaction ${batch.xid})` : ''}, ledger at ${fmt(sizeAtKill)}; its supervisor restarts it`,
        );
        const took = await stack
          .waitFor(
            `${standby.instance} to lead and the log to grow`,
            async () =>
              (await isLeader(stack!, standby.instance)) &&
              ((await stack!.ledgerSize()) ?? 0) > sizeAtKill,
            30_000,
            50,
          )
          .then(() => true)
          .catch(() => false);
        takeoverTimes.push(Date.now() - killedAt);
        log.check(
          `${standby.instance} took the leader lock and the log grows again, ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill${batch ? ` (the killed batch ${await batchOutcome(stack, batch.xid)})` : ''}`,
          took,
        );
        await (leader as ServiceProcess).whenListening();
        await settleFor(1500);
        // A loaded machine may take a moment to answer /metrics: only an answer counts.
        let after: boolean | null = null;
        await stack
          .waitFor(
            `${leader.instance} to answer /metrics`,
            async () => (after = await isLeader(stack!, leader.instance)) !== null,
            15_000,
            200,
          )
          .catch(() => undefined);
        log.check(
          `the restarted ${leader.instance} came back as the standby`,
          after === false,
          `leader=${after}`,
        );
      }
      await settleFor(1000);
    } finally {
      await load.stop();
    }
    await waitUntilSettled(stack, fixtures.setupEventIds.size + load.acceptedEvents);
    checkpoints.stop();
    const { rows } = await stack.owner.query(
      `SELECT count(*)::int AS n, count(DISTINCT idx)::int AS idx, max(idx)::int AS last,
              (SELECT tree_size FROM ledger_tree_state)::int AS tree FROM ledger_entries`,
    );
    log.check(
      `one log: ${fmt(rows[0].n)} entries, indexes 0…${fmt(rows[0].last)} without gap, tree state at the same size`,
      rows[0].n === rows[0].idx && rows[0].last === rows[0].n - 1 && rows[0].tree === rows[0].n,
      JSON.stringify(rows[0]),
    );
    await checkLogAfterLoad(stack, load, fixtures, checkpoints.seen);
    log.assertAllPassed();
  });
});
