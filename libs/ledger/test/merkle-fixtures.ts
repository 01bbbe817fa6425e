import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Typed access to the Merkle test vectors copied into fixtures/merkle (see its NOTICE.md):
 * transparency-dev/merkle, Apache-2.0.
 */
export const FIXTURES = join(__dirname, 'fixtures', 'merkle');

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');

export interface Rfc6962Vectors {
  leaves_hex: string[];
  leaf_hashes: string[];
  node_hashes_by_level: { levels: string[][] };
  roots_by_tree_size: Record<string, string>;
  inclusion_proofs: {
    leaf_index: number | null;
    tree_size: number;
    leaf_hex?: string;
    leaf_hash?: string;
    path?: string[];
    root?: string;
  }[];
  consistency_proofs: {
    size1: number;
    size2: number;
    path: string[];
    root1: string;
    root2: string;
  }[];
}

export interface InclusionProbe {
  file: string;
  desc: string;
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  root: string;
  path: string[];
  want_error: boolean;
}

export interface ConsistencyProbe {
  file: string;
  desc: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  path: string[];
  want_error: boolean;
}

export const vectors = readJson(join(FIXTURES, 'rfc6962-vectors.json')) as Rfc6962Vectors;

export const probes = readJson(join(FIXTURES, 'transparency-dev-probes.hex.json')) as {
  inclusion: InclusionProbe[];
  consistency: ConsistencyProbe[];
};

/** The original transparency-dev testdata files (base64 fields), keyed as `testdata/...`. */
export function readTestdata(): Map<string, Record<string, unknown>> {
  const root = join(FIXTURES, 'transparency-dev-testdata');
  const out = new Map<string, Record<string, unknown>>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) {
        out.set(`testdata/${relative(root, path)}`, readJson(path) as Record<string, unknown>);
      }
    }
  };
  walk(root);
  return out;
}
