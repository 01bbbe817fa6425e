/**
 * Histogram buckets (seconds) for what a person at a counter waits for: fine around the
 * 50 ms target of a dispense (issue 6), so that the share over it can be read off.
 */
export const COUNTER_LATENCY_BUCKETS = [
  0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5,
];
