import { ProblemException } from '@trace/http';
import { OVERSIGHT_ROLES } from './decorators';
import type { Principal } from './principal';

/** Regulators, auditors and admins see every organisation's data. */
export function hasOversight(principal: Principal): boolean {
  return principal.roles.some((r) => OVERSIGHT_ROLES.includes(r));
}

/**
 * A user acts only for the organisation in its token. The refusal does not say whether the
 * other organisation's object exists.
 */
export function assertActsFor(principal: Principal, organisationCode: string): void {
  if (principal.org !== organisationCode) {
    throw new ProblemException('FORBIDDEN', `You act for ${principal.org} only`);
  }
}

/** Reads: the owner organisation, or anyone with oversight. */
export function assertMayRead(principal: Principal, organisationCode: string): void {
  if (!hasOversight(principal)) assertActsFor(principal, organisationCode);
}
