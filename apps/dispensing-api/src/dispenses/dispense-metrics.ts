import { Injectable } from '@nestjs/common';
import { COUNTER_LATENCY_BUCKETS } from '@trace/observability';
import { InjectMetric, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';

export const DISPENSE_METRIC_PROVIDERS = [
  makeHistogramProvider({
    name: 'dispense_step_seconds',
    help:
      'Steps of a dispense at the counter: read (prescription and pack, one query), ledger ' +
      "(from queued until the sequencer's verdict), record (the dispense row)",
    labelNames: ['step'],
    buckets: COUNTER_LATENCY_BUCKETS,
  }),
];

/** The steps of POST /v1/dispenses a pharmacist waits for, in order. */
export type DispenseStep = 'read' | 'ledger' | 'record';

/**
 * Where a dispense's time goes, step by step, refusals included: an operator sees whether a
 * slow counter waits for its own reads, for the ledger or for its own write, and the dispense
 * benchmark prints the same split.
 */
@Injectable()
export class DispenseMetrics {
  constructor(@InjectMetric('dispense_step_seconds') private readonly seconds: Histogram) {}

  async time<T>(step: DispenseStep, work: () => Promise<T>): Promise<T> {
    const end = this.seconds.startTimer({ step });
    try {
      return await work();
    } finally {
      end();
    }
  }
}
