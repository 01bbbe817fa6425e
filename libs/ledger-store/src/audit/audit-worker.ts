import { parentPort } from 'node:worker_threads';
import { checkChunkJob, ChunkJob } from './chunk-checkers';

// A worker thread of the audit (ChunkCheckers): checks the chunks it is handed, one at a time.
parentPort?.on('message', (message: { id: number; job: ChunkJob }) => {
  try {
    parentPort!.postMessage({ id: message.id, result: checkChunkJob(message.job) });
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: (err as Error).stack ?? String(err) });
  }
});
