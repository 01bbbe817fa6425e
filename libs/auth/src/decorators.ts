import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@trace/domain';
import type { Principal } from './principal';

export const ROLES_KEY = 'trace:roles';
export const PUBLIC_KEY = 'trace:public';

/** Roles allowed on a route. Every non-public route must declare them (closed by default). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No token needed: health, metrics, the ledger's public checkpoint and key. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);

/** Roles that read everything and write nothing but approvals and recalls. */
export const OVERSIGHT_ROLES: Role[] = ['admin', 'regulator', 'auditor'];
