import { ERROR_CODES, isErrorCode } from '@trace/domain';
import { ProblemException } from '@trace/http';
import type { LedgerVerdict } from '@trace/queue';

/**
 * For all-or-nothing actions: the refusal becomes the answer (its code's status), the
 * refused attempt being on record as an alert entry.
 */
export function throwIfRefused(verdicts: LedgerVerdict[]): void {
  // In an atomic group, the event that was refused on its own account explains the others.
  const refused =
    verdicts.find((v) => !v.accepted && v.code !== 'CAPTURE_ROLLED_BACK') ??
    verdicts.find((v) => !v.accepted);
  if (!refused || refused.accepted) return;
  // A refusal is always one of ours; an unknown code still must not read as a server error.
  const code = isErrorCode(refused.code) ? refused.code : 'INVALID_STATE_TRANSITION';
  throw new ProblemException(
    code,
    refused.detail,
    { alertIndex: refused.alertIndex },
    ERROR_CODES[code],
  );
}
