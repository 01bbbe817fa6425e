import { fmt } from './support/fault-log';
import { FaultStack } from './support/fault-stack';
import { checkLogAfterLoad, waitUntilSettled, watchCheckpoints } from './support/ledger-checks';
import { seedTraffic, TrafficLoad } from './support/traffic';
import { batchOutcome, OpenBatch, waitForOpenBatch } from './support/writer-probes';

const KILLS = 10;

describe('fault: kill -9 of the ledger-writer mid-batch, repeatedly, under load', () => {
  let stack: FaultStack | undefined;
  afterAll(() => stack?.destroy());

  it(`loses nothing and writes nothing twice across ${KILLS} kills`, async () => {
    stack = await FaultStack.create({
      scenario: 'kill-writer',
      services: ['ingest-api', 'dispensing-api', 'regulator-api', 'ledger-writer'],
    });
    const { log } = stack;
    const fixtures = await seedTraffic(stack, 400);
    const load = new TrafficLoad(stack, fixtures, {
      scansPerRequest: 50,
      dispenseClients: 2,
    }).start();
    const checkpoints = watchCheckpoints(stack);
    const writer = stack.service('ledger-writer');
    const kills: (OpenBatch & { round: number })[] = [];
    let missed = 0;
    try {
      for (let round = 1; round <= KILLS; round++) {
        await writer.whenListening();
        const before = (await stack.ledgerSize()) ?? 0;
        await stack.waitFor('the restarted writer committing', async () => {
          const size = await stack!.ledgerSize();
          return size !== null && size > before;
        });
        const batch = await waitForOpenBatch(stack);
        await writer.kill9({ restart: true });
        const size = await stack.ledgerSize();
        if (batch) kills.push({ ...batch, round });
        else missed++;
        log.action(
          `kill -9 ledger-writer #${round}/${KILLS} ${batch ? `while batch transaction ${batch.xid} was open` : 'with no batch open'} (ledger at ${fmt(size ?? 0)} entries); the supervisor restarts it`,
        );
      }
      await writer.whenListening();
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await load.stop();
    }
    await waitUntilSettled(stack, fixtures.setupEventIds.size + load.acceptedEvents);
    checkpoints.stop();

    const outcomes = await Promise.all(kills.map((k) => batchOutcome(stack!, k.xid)));
    const aborted = outcomes.filter((o) => o === 'aborted').length;
    log.check(
      `all ${KILLS} kills landed mid-batch: ${aborted} rolled the batch back, ${outcomes.length - aborted} came right after its commit, before its jobs were acknowledged`,
      missed === 0 && outcomes.every((o) => o === 'aborted' || o === 'committed'),
      `${missed} kill(s) found no batch open; outcomes ${outcomes.join(', ')}`,
    );
    log.check(
      `the supervisor restarted the writer after each kill and nothing else crashed`,
      writer.restarts === KILLS &&
        ['ingest-api', 'dispensing-api', 'regulator-api'].every(
          (s) => stack!.service(s).restarts === 0,
        ),
      `writer restarts ${writer.restarts}`,
    );
    await checkLogAfterLoad(stack, load, fixtures, checkpoints.seen);
    log.assertAllPassed();
  });
});
