import { Counter, Gauge, Histogram } from 'prom-client';
import { SequencerMetrics } from './sequencer-metrics';

describe('SequencerMetrics', () => {
  const make = () => {
    // Registered nowhere: each test reads its own instances.
    const seconds = new Histogram({
      name: 'ledger_batch_seconds',
      help: 'h',
      labelNames: ['lane'],
      buckets: [0.05, 1],
      registers: [],
    });
    const size = new Histogram({ name: 'size', help: 'h', buckets: [10], registers: [] });
    const counter = (name: string) => new Counter({ name, help: 'h', registers: [] });
    const gauge = (name: string) => new Gauge({ name, help: 'h', registers: [] });
    const cutIn = gauge('cut_in');
    const onProducerRead = gauge('on_producer_read');
    const metrics = new SequencerMetrics(
      seconds,
      size,
      counter('events'),
      counter('failures'),
      gauge('leader'),
      gauge('pipelined'),
      gauge('redecided'),
      gauge('one'),
      gauge('overlapped'),
      gauge('carried'),
      cutIn,
      onProducerRead,
    );
    const count = async (lane: string) =>
      (await seconds.get()).values.find(
        (v) => v.metricName === 'ledger_batch_seconds_count' && v.labels.lane === lane,
      )?.value ?? 0;
    return { metrics, count, cutIn, onProducerRead };
  };

  it("times each lane's batches apart, so the counter's are not averaged into bulk work", async () => {
    const { metrics, count } = make();
    await metrics.timeBatch(1, 'interactive', async () => 'ok');
    await metrics.timeBatch(500, 'bulk', async () => 'ok');
    await metrics.timeBatch(150, 'bulk', async () => 'ok');
    expect(await count('interactive')).toBe(1);
    expect(await count('bulk')).toBe(2);
  });

  it('times a failed batch too, in its lane', async () => {
    const { metrics, count } = make();
    await expect(
      metrics.timeBatch(1, 'interactive', () => Promise.reject(new Error('rolled back'))),
    ).rejects.toThrow('rolled back');
    expect(await count('interactive')).toBe(1);
    expect(await count('bulk')).toBe(0);
  });

  it("shows how many counters' batches cut in, and were decided on the producer's read", async () => {
    const { metrics, cutIn, onProducerRead } = make();
    metrics.pipeline({
      pipelined: 9,
      redecided: 0,
      oneStatement: 4,
      overlapped: 5,
      carried: 2,
      cutIn: 3,
      decidedOnProducerRead: 1,
    });
    expect((await cutIn.get()).values[0].value).toBe(3);
    expect((await onProducerRead.get()).values[0].value).toBe(1);
  });
});
