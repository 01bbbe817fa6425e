import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role, roleFitsOrganisation } from '@trace/domain';
import { ProblemException } from '@trace/http';
import type { Request } from 'express';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import { OrganisationDirectory } from './organisation-directory';
import type { Principal } from './principal';
import { InvalidTokenError, TokenService } from './token.service';

/**
 * Global guard: a bearer token on every route not marked @Public; the route's @Roles; and
 * the token's organisation must exist and be of a type its roles belong to (a hospital user
 * cannot call itself a regulator).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly organisations: OrganisationDirectory,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = this.authenticate(req.headers.authorization);
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!allowed || allowed.length === 0) {
      throw new ProblemException('FORBIDDEN', 'This route declares no roles and is closed');
    }
    if (!principal.roles.some((r) => allowed.includes(r))) {
      throw new ProblemException('FORBIDDEN', `Requires one of the roles: ${allowed.join(', ')}`);
    }
    const type = await this.organisations.typeOf(principal.org);
    if (!type) {
      throw new ProblemException('FORBIDDEN', `Organisation ${principal.org} is not registered`);
    }
    const misfit = principal.roles.find((r) => !roleFitsOrganisation(r, type));
    if (misfit) {
      throw new ProblemException(
        'FORBIDDEN',
        `Role ${misfit} cannot act for ${principal.org}, an organisation of type ${type}`,
      );
    }
    req.principal = principal;
    return true;
  }

  private authenticate(header: string | undefined): Principal {
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) {
      throw new ProblemException('UNAUTHENTICATED', 'Send Authorization: Bearer <token>');
    }
    try {
      return this.tokens.verify(match[1]);
    } catch (err) {
      if (err instanceof InvalidTokenError) {
        throw new ProblemException('UNAUTHENTICATED', `Invalid token: ${err.message}`);
      }
      throw err;
    }
  }
}
