import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** The background ingest of `bench:dispense`: scan batches posted at a steady pace. */
export interface IngestLoadOptions {
  /** `POST /v1/scans` of ingest-api. */
  url: string;
  token: string;
  gtin: string;
  locationCode: string;
  /** Clients posting at once, each one request per `intervalMs`. */
  clients: number;
  scansPerRequest: number;
  intervalMs: number;
}

const GS = '\u001d';

/**
 * Starts the background ingest in a worker thread of its own. The dispenses are timed on the
 * main thread's event loop, which must not wait while 500-scan requests are built, sent and
 * answered (ADR 0016). `stop` ends it and resolves to the scans accepted.
 */
export function startIngestLoad(opts: IngestLoadOptions): { stop: () => Promise<number> } {
  const worker = new Worker(__filename, { workerData: { ingestLoad: opts } });
  const accepted = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const n = await accepted;
      await worker.terminate();
      return n;
    },
  };
}

async function postLoad(opts: IngestLoadOptions) {
  let running = true;
  parentPort?.once('message', () => (running = false));
  let accepted = 0;
  let request = 0;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, client) => {
      while (running) {
        const due = Date.now() + opts.intervalMs;
        const scans = Array.from(
          { length: opts.scansPerRequest },
          (_, i) => `]d201${opts.gtin}1729063010LB${GS}21B${client}-${request++}-${i}`,
        );
        const res = await fetch(opts.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${opts.token}` },
          body: JSON.stringify({
            bizStep: 'commissioning',
            locationCode: opts.locationCode,
            scans,
          }),
        });
        await res.arrayBuffer();
        if (res.status === 202) accepted += scans.length;
        await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      }
    }),
  );
  parentPort?.postMessage(accepted);
}

if (!isMainThread && (workerData as { ingestLoad?: IngestLoadOptions })?.ingestLoad) {
  void postLoad((workerData as { ingestLoad: IngestLoadOptions }).ingestLoad);
}
