import type { Role } from '@trace/domain';

/** Who is calling: the JWT's subject, the organisation it acts for, and its roles. */
export interface Principal {
  sub: string;
  org: string;
  roles: Role[];
}
