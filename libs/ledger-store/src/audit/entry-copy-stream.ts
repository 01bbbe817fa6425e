import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { EntryRows } from './entry-chunk-verifier';

/** The binary COPY tuples of `count` consecutive stored entries, starting at entry `start`. */
export interface RawEntryChunk {
  start: number;
  count: number;
  data: Uint8Array;
}

/** Signature (11), flags (4), header extension length (4); the extension itself follows. */
const HEADER = 19;

/**
 * Streams `COPY (SELECT idx, event_id, entry, leaf_hash …) TO STDOUT (FORMAT binary)` and cuts
 * it into chunks of `chunkSize` whole tuples, each in a buffer of its own (so that it can be
 * handed to a worker thread without a copy). Only the tuple boundaries are read here; the
 * fields are read where the chunk is checked (parseEntryTuples). Binary COPY spares the
 * server's and the driver's hex encoding of every entry.
 */
export async function* copyEntryChunks(
  client: ClientBase,
  sql: string,
  chunkSize: number,
): AsyncGenerator<RawEntryChunk> {
  const stream = client.query(copyTo(sql));
  let buf = Buffer.allocUnsafeSlow(1 << 22);
  let len = 0;
  let pos = -1; // where the next tuple starts; -1 until the header is read
  let chunkFrom = 0;
  let rows = 0;
  let start = 0;
  let ended = false;
  for await (const part of stream as AsyncIterable<Buffer>) {
    if (ended) continue;
    if (len + part.length > buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, len + part.length));
      buf.copy(grown, 0, 0, len);
      buf = grown;
    }
    part.copy(buf, len);
    len += part.length;
    if (pos < 0) {
      if (len < HEADER) continue;
      const extension = buf.readUInt32BE(15);
      if (len < HEADER + extension) continue;
      pos = chunkFrom = HEADER + extension;
    }
    for (;;) {
      const end = tupleEnd(buf, pos, len);
      if (end === -1) break;
      if (end === -2) {
        ended = true; // the trailer
        break;
      }
      pos = end;
      if (++rows === chunkSize) {
        // The rest goes to a new buffer first: the chunk's buffer may be transferred away.
        const next = Buffer.allocUnsafeSlow(buf.length);
        buf.copy(next, 0, pos, len);
        const chunk = { start, count: rows, data: buf.subarray(chunkFrom, pos) };
        len -= pos;
        buf = next;
        pos = chunkFrom = 0;
        start += rows;
        rows = 0;
        yield chunk;
      }
    }
  }
  if (rows > 0) yield { start, count: rows, data: buf.subarray(chunkFrom, pos) };
}

/** End of the tuple at `pos` if all of it is in buf[0, len); -1 if not yet, -2 at the trailer. */
function tupleEnd(buf: Buffer, pos: number, len: number): number {
  if (pos + 2 > len) return -1;
  const fields = buf.readInt16BE(pos);
  if (fields === -1) return -2;
  let p = pos + 2;
  for (let f = 0; f < fields; f++) {
    if (p + 4 > len) return -1;
    const n = buf.readInt32BE(p);
    p += 4;
    if (n > 0) {
      if (p + n > len) return -1;
      p += n;
    }
  }
  return p;
}

/**
 * The rows of a chunk of (idx, event_id, entry, leaf_hash) tuples, read in place: one pass
 * records where each field is; the fields are views of `data`, made when asked for.
 */
export function parseEntryTuples(data: Uint8Array, count: number): EntryRows {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const idx = new Float64Array(count);
  // Start and length of event_id, entry and leaf_hash for each row.
  const at = new Int32Array(count * 6);
  let p = 0;
  for (let r = 0; r < count; r++) {
    p += 2; // field count: four, as selected
    const idxLength = view.getInt32(p);
    idx[r] = idxLength === 8 ? view.getInt32(p + 4) * 2 ** 32 + view.getUint32(p + 8) : -1;
    p += 4 + Math.max(0, idxLength);
    for (let f = 0; f < 3; f++) {
      const n = view.getInt32(p);
      p += 4;
      at[r * 6 + f * 2] = p;
      at[r * 6 + f * 2 + 1] = Math.max(0, n); // NULL as empty: the columns are NOT NULL
      p += Math.max(0, n);
    }
  }
  const field = (r: number, f: number) => {
    const from = at[r * 6 + f * 2];
    return data.subarray(from, from + at[r * 6 + f * 2 + 1]);
  };
  return {
    count,
    idx: (r) => idx[r],
    eventId: (r) => field(r, 0),
    entry: (r) => field(r, 1),
    leafHash: (r) => field(r, 2),
  };
}
