import { Histogram } from 'prom-client';
import { DispenseMetrics } from './dispense-metrics';

describe('DispenseMetrics', () => {
  const make = () => {
    // Registered nowhere: each test reads its own instance.
    const seconds = new Histogram({
      name: 'dispense_step_seconds',
      help: 'h',
      labelNames: ['step'],
      buckets: [0.05, 1],
      registers: [],
    });
    const count = async (step: string) =>
      (await seconds.get()).values.find(
        (v) => v.metricName === 'dispense_step_seconds_count' && v.labels.step === step,
      )?.value ?? 0;
    return { metrics: new DispenseMetrics(seconds), count };
  };

  it('times each step apart and passes its result through', async () => {
    const { metrics, count } = make();
    await expect(metrics.time('read', async () => 'prescription')).resolves.toBe('prescription');
    await metrics.time('ledger', async () => ({ ledgerIndex: 7 }));
    await metrics.time('ledger', async () => ({ ledgerIndex: 8 }));
    expect(await count('read')).toBe(1);
    expect(await count('ledger')).toBe(2);
    expect(await count('record')).toBe(0);
  });

  it('times a refused step too: the counter waited for the refusal', async () => {
    const { metrics, count } = make();
    await expect(
      metrics.time('ledger', () => Promise.reject(new Error('RECALLED'))),
    ).rejects.toThrow('RECALLED');
    expect(await count('ledger')).toBe(1);
  });
});
