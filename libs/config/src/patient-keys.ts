import { randomBytes } from 'node:crypto';
import type { PatientKeysConfig } from './app-config';
import { loadOrCreateDevSecrets, storeDevSecret } from './dev-secrets';

export interface PatientKeys {
  /** AES-256-GCM key for personal data at rest. */
  dataKey: Buffer;
  /** HMAC key of the pseudonymous patient reference. */
  refKey: Buffer;
}

/**
 * The patient keys: from the environment (required in production), otherwise development
 * keys generated once into the git-ignored secrets file (`cli migrate` creates them).
 */
export function loadPatientKeys(cfg: PatientKeysConfig): PatientKeys {
  const fromSecrets = (name: 'patientDataKey' | 'patientRefKey', given?: string): Buffer => {
    if (given) return Buffer.from(given, 'base64');
    const secrets = loadOrCreateDevSecrets(cfg.secretsFile) as unknown as Record<string, string>;
    if (!secrets[name]) storeDevSecret(cfg.secretsFile, name, randomBytes(32).toString('base64'));
    const stored = (loadOrCreateDevSecrets(cfg.secretsFile) as unknown as Record<string, string>)[
      name
    ];
    return Buffer.from(stored, 'base64');
  };
  return {
    dataKey: fromSecrets('patientDataKey', cfg.dataKey),
    refKey: fromSecrets('patientRefKey', cfg.refKey),
  };
}
