import { LedgerConfig, loadOrCreateDevSecrets, storeDevSecret } from '@trace/config';
import {
  formatPrivateKey,
  formatVerifierKey,
  generateSigner,
  NoteSigner,
  parsePrivateKey,
} from '@trace/ledger';

export interface LedgerSigner {
  signer: NoteSigner;
  /** `<name>+<keyid>+<base64>`: what verifiers are given. */
  verifierKey: string;
}

/**
 * The checkpoint signing key: LEDGER_SIGNING_KEY in production (required there), otherwise a
 * development key generated once into the git-ignored secrets file. Its name is the log origin.
 */
export function loadLedgerSigner(cfg: LedgerConfig): LedgerSigner {
  let text = cfg.signingKey;
  if (!text) {
    const secrets = loadOrCreateDevSecrets(cfg.secretsFile) as unknown as Record<string, string>;
    text = secrets.ledgerSigningKey;
    if (!text) {
      text = formatPrivateKey(generateSigner(cfg.origin));
      storeDevSecret(cfg.secretsFile, 'ledgerSigningKey', text);
      // Another process may have stored its key first: the file decides.
      text = (loadOrCreateDevSecrets(cfg.secretsFile) as unknown as Record<string, string>)
        .ledgerSigningKey;
    }
  }
  const signer = parsePrivateKey(text);
  return { signer, verifierKey: formatVerifierKey(signer.name, signer.publicKey) };
}
