import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  AuditRow,
  ChunkResult,
  rowsOfSql,
  StoredTile,
  verifyEntryChunk,
} from './entry-chunk-verifier';
import { parseEntryTuples } from './entry-copy-stream';

/** A chunk to check: its rows, or its raw COPY tuples (parsed where it is checked). */
export interface ChunkJob {
  start: number;
  count: number;
  rows?: AuditRow[];
  copyData?: Uint8Array;
  tiles: StoredTile[];
  cutSizes: number[];
}

export function checkChunkJob(job: ChunkJob): ChunkResult {
  const rows = job.rows ? rowsOfSql(job.rows) : parseEntryTuples(job.copyData!, job.count);
  return verifyEntryChunk({ start: job.start, rows, tiles: job.tiles, cutSizes: job.cutSizes });
}

/**
 * Where audit chunks are checked: in worker threads, one a core, when the compiled worker is
 * there (a built service or the CLI), else on the calling thread (tests run the TypeScript
 * sources). Hashing every entry and node is the audit's CPU; threads spread it over the cores.
 */
export class ChunkCheckers {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Call[] = [];
  private readonly calls = new Map<number, Call>();
  private nextId = 0;

  constructor(threads = Math.min(availableParallelism(), 4)) {
    const script = join(__dirname, 'audit-worker.js');
    if (threads < 1 || !existsSync(script)) return;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(script);
      worker.on('message', (m: { id: number; result?: ChunkResult; error?: string }) => {
        const call = this.calls.get(m.id);
        this.calls.delete(m.id);
        this.idle.push(worker);
        this.dispatch();
        if (m.error !== undefined) call?.reject(new Error(`audit worker: ${m.error}`));
        else call?.resolve(m.result!);
      });
      worker.on('error', (err) => {
        for (const call of [...this.calls.values(), ...this.waiting]) call.reject(err);
        this.calls.clear();
        this.waiting.length = 0;
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** How many chunks are worth having in flight. */
  get parallelism(): number {
    return Math.max(1, this.workers.length);
  }

  check(job: ChunkJob): Promise<ChunkResult> {
    if (this.workers.length === 0) {
      try {
        return Promise.resolve(checkChunkJob(job));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    return new Promise<ChunkResult>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch() {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const call = this.waiting.shift()!;
      const id = this.nextId++;
      this.calls.set(id, call);
      // The raw chunk's buffer moves to the worker instead of being copied.
      const transfer = call.job.copyData ? [call.job.copyData.buffer as ArrayBuffer] : [];
      worker.postMessage({ id, job: call.job }, transfer);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface Call {
  job: ChunkJob;
  resolve: (result: ChunkResult) => void;
  reject: (err: Error) => void;
}
