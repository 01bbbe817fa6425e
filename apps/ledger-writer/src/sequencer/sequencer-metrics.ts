import { Injectable } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { LedgerSequencer } from '@trace/ledger-store';
import { COUNTER_LATENCY_BUCKETS } from '@trace/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

export const SEQUENCER_METRIC_PROVIDERS = [
  makeHistogramProvider({
    name: 'ledger_batch_seconds',
    help: 'Time to sequence and commit one batch, by lane (interactive: a counter waits for it)',
    labelNames: ['lane'],
    // Fine around the counter's 50 ms target: the interactive lane's share over it is read here.
    buckets: COUNTER_LATENCY_BUCKETS,
  }),
  makeHistogramProvider({
    name: 'ledger_batch_events',
    help: 'Events per committed batch',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500],
  }),
  makeCounterProvider({
    name: 'ledger_events_total',
    help: 'Events sequenced (accepted or refused)',
  }),
  makeCounterProvider({ name: 'ledger_batch_failures_total', help: 'Batches rolled back' }),
  makeGaugeProvider({ name: 'ledger_leader', help: '1 when this instance holds the leader lock' }),
  makeGaugeProvider({
    name: 'ledger_batches_pipelined',
    help: 'Batches written as decided while the previous one was being written',
  }),
  makeGaugeProvider({
    name: 'ledger_batches_one_statement',
    help: 'Small batches written with a single statement (entries, projections, tree state)',
  }),
  makeGaugeProvider({
    name: 'ledger_batches_overlapped',
    help: 'Batches whose inserts were written before the tree-state lock, while the previous batch committed',
  }),
  makeGaugeProvider({
    name: 'ledger_batches_carried',
    help: 'Small batches written in the transaction of the batch ahead of them, committed with it',
  }),
  makeGaugeProvider({
    name: 'ledger_batches_cut_in',
    help: "Counters' batches decided and written before the bulk batch being decided when they came",
  }),
  makeGaugeProvider({
    name: 'ledger_batches_decided_on_producer_read',
    help: "Counters' batches decided on the units as the producer read them, checked as they were written",
  }),
  makeGaugeProvider({
    name: 'ledger_batches_redecided',
    help: 'Batches decided again under the lock (pipeline invalidated or no read connection)',
  }),
];

/** Which queue a batch came from: bulk work, or events a person waits for at a counter. */
export type SequencerLane = 'bulk' | 'interactive';

@Injectable()
export class SequencerMetrics {
  constructor(
    @InjectMetric('ledger_batch_seconds') private readonly seconds: Histogram,
    @InjectMetric('ledger_batch_events') private readonly size: Histogram,
    @InjectMetric('ledger_events_total') private readonly events: Counter,
    @InjectMetric('ledger_batch_failures_total') private readonly failures: Counter,
    @InjectMetric('ledger_leader') readonly leader: Gauge,
    @InjectMetric('ledger_batches_pipelined') private readonly pipelined: Gauge,
    @InjectMetric('ledger_batches_redecided') private readonly redecided: Gauge,
    @InjectMetric('ledger_batches_one_statement') private readonly oneStatement: Gauge,
    @InjectMetric('ledger_batches_overlapped') private readonly overlapped: Gauge,
    @InjectMetric('ledger_batches_carried') private readonly carried: Gauge,
    @InjectMetric('ledger_batches_cut_in') private readonly cutIn: Gauge,
    @InjectMetric('ledger_batches_decided_on_producer_read')
    private readonly decidedOnProducerRead: Gauge,
  ) {}

  pipeline(stats: LedgerSequencer['stats']) {
    this.pipelined.set(stats.pipelined);
    this.oneStatement.set(stats.oneStatement);
    this.overlapped.set(stats.overlapped);
    this.redecided.set(stats.redecided);
    this.carried.set(stats.carried);
    this.cutIn.set(stats.cutIn);
    this.decidedOnProducerRead.set(stats.decidedOnProducerRead);
  }

  async timeBatch<T>(count: number, lane: SequencerLane, work: () => Promise<T>): Promise<T> {
    const end = this.seconds.startTimer({ lane });
    try {
      const result = await work();
      this.size.observe(count);
      this.events.inc(count);
      return result;
    } catch (err) {
      this.failures.inc();
      throw err;
    } finally {
      end();
    }
  }
}
