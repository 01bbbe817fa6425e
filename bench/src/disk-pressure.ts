import { readFileSync } from 'node:fs';
import { percentile } from './bench-database';

/** One reading of the kernel's disk counters (Linux). */
interface DiskReading {
  at: number;
  /** Sectors (512 B) written, summed over whole disks. */
  sectorsWritten: number;
  /** Microseconds during which all non-idle tasks were stalled on I/O (PSI "full"). */
  ioFullStallUs: number;
  dirtyKb: number;
}

export interface DiskPressureSummary {
  intervalMs: number;
  /** Disk writes per interval, as MB/s: median, p99, max. */
  writeMBps: { p50: number; p99: number; max: number };
  /** Intervals writing faster than 200 MB/s: the kernel flushing a backlog of dirty pages. */
  burstIntervals: number;
  intervals: number;
  /** Time per interval during which every runnable task waited for the disk (PSI io full). */
  ioFullStallMs: { p50: number; p99: number; max: number };
  /** Dirty pages in the page cache: median and max. */
  dirtyMB: { p50: number; max: number };
}

/** Whole disks as /proc/diskstats names them (vda, sda, nvme0n1), not their partitions. */
const WHOLE_DISK = /^(?:[shv]d[a-z]+|xvd[a-z]+|nvme\d+n\d+)$/;

function read(): DiskReading {
  let sectorsWritten = 0;
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && WHOLE_DISK.test(f[2])) sectorsWritten += Number(f[9]);
  }
  const full = /full .*total=(\d+)/.exec(readFileSync('/proc/pressure/io', 'utf8'));
  const dirty = /Dirty:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return {
    at: performance.now(),
    sectorsWritten,
    ioFullStallUs: Number(full?.[1] ?? 0),
    dirtyKb: Number(dirty?.[1] ?? 0),
  };
}

/** The p-th percentile, as the bench computes every other one; 0 with no samples. */
const pct = (values: number[], p: number) =>
  values.length
    ? percentile(
        [...values].sort((a, b) => a - b),
        p,
      )
    : 0;
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Samples the disk every `intervalMs` while a phase runs, to tell a run whose tail came from
 * the disk from one whose tail came from the CPU: write bursts of the kernel flushing dirty
 * pages stall every commit behind them (ADR 0015). Null where /proc has no pressure
 * information (not Linux, or a kernel without PSI).
 */
export class DiskPressureSampler {
  private readings: DiskReading[] = [];
  private timer: NodeJS.Timeout | null = null;

  private constructor(private readonly intervalMs: number) {}

  static start(intervalMs = 50): DiskPressureSampler | null {
    try {
      read();
    } catch {
      return null;
    }
    const sampler = new DiskPressureSampler(intervalMs);
    sampler.readings.push(read());
    sampler.timer = setInterval(() => sampler.readings.push(read()), intervalMs);
    return sampler;
  }

  stop(): DiskPressureSummary {
    if (this.timer) clearInterval(this.timer);
    this.readings.push(read());
    const mbps: number[] = [];
    const stallMs: number[] = [];
    for (let i = 1; i < this.readings.length; i++) {
      const [a, b] = [this.readings[i - 1], this.readings[i]];
      const seconds = (b.at - a.at) / 1000;
      if (seconds <= 0) continue;
      mbps.push(((b.sectorsWritten - a.sectorsWritten) * 512) / 1e6 / seconds);
      // Scaled to the nominal interval: a late timer does not inflate the stall.
      stallMs.push(
        ((b.ioFullStallUs - a.ioFullStallUs) / 1000) * (this.intervalMs / (seconds * 1000)),
      );
    }
    const dirty = this.readings.map((r) => r.dirtyKb / 1024);
    return {
      intervalMs: this.intervalMs,
      writeMBps: {
        p50: round(pct(mbps, 50)),
        p99: round(pct(mbps, 99)),
        max: round(Math.max(0, ...mbps)),
      },
      burstIntervals: mbps.filter((v) => v > 200).length,
      intervals: mbps.length,
      ioFullStallMs: {
        p50: round(pct(stallMs, 50)),
        p99: round(pct(stallMs, 99)),
        max: round(Math.max(0, ...stallMs)),
      },
      dirtyMB: { p50: round(pct(dirty, 50)), max: round(Math.max(0, ...dirty)) },
    };
  }
}
