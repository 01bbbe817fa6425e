import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Secrets a developer machine needs but nobody should have to invent by hand. */
export interface DevSecrets {
  jwtSecret: string;
}

/**
 * Reads the development secrets file, creating it on first use. Several services start at
 * once, so creation is exclusive (`wx`): whoever loses the race reads the winner's file.
 */
export function loadOrCreateDevSecrets(file: string): DevSecrets {
  const path = resolve(file);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DevSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secrets: DevSecrets = { jwtSecret: randomBytes(32).toString('base64url') };
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, JSON.stringify(secrets, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(readFileSync(path, 'utf8')) as DevSecrets;
  }
}

/** Persists an additional development secret (e.g. the ledger key) into the same file. */
export function storeDevSecret(file: string, name: string, value: string): void {
  const path = resolve(file);
  const current = loadOrCreateDevSecrets(file) as unknown as Record<string, string>;
  if (current[name] === value) return;
  writeFileSync(path, JSON.stringify({ ...current, [name]: value }, null, 2) + '\n', {
    mode: 0o600,
  });
}
