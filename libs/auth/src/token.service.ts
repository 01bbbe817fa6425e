import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, appConfig, AuthConfig } from '@trace/config';
import { isRole } from '@trace/domain';
import { createSecretKey } from 'node:crypto';
import type { Principal } from './principal';

export class InvalidTokenError extends Error {}

/** Issues and checks bearer tokens (HS256, issuer-bound, with sub/org/roles claims). */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(@Inject(appConfig.KEY) cfg: AppConfig) {
    this.jwt = TokenService.jwtFor(cfg.auth);
  }

  static jwtFor(auth: AuthConfig): JwtService {
    return new JwtService({
      // A key object, not the string: given a string, jsonwebtoken first tries it as a PEM
      // public key and builds the thrown error on every request (~1 ms of CPU each under load).
      secret: createSecretKey(Buffer.from(auth.jwtSecret, 'utf8')),
      signOptions: { algorithm: 'HS256', issuer: auth.issuer, expiresIn: auth.ttl as never },
      verifyOptions: { algorithms: ['HS256'], issuer: auth.issuer },
    });
  }

  static issueWith(auth: AuthConfig, principal: Principal, ttl?: string): string {
    const { sub, org, roles } = principal;
    return TokenService.jwtFor(auth).sign(
      { org, roles },
      { subject: sub, ...(ttl ? { expiresIn: ttl as never } : {}) },
    );
  }

  issue(principal: Principal, ttl?: string): string {
    const { sub, org, roles } = principal;
    return this.jwt.sign(
      { org, roles },
      { subject: sub, ...(ttl ? { expiresIn: ttl as never } : {}) },
    );
  }

  verify(token: string): Principal {
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify(token);
    } catch (err) {
      throw new InvalidTokenError((err as Error).message);
    }
    const { sub, org, roles } = claims;
    if (typeof sub !== 'string' || sub.length === 0) throw new InvalidTokenError('no sub claim');
    if (typeof org !== 'string' || org.length === 0) throw new InvalidTokenError('no org claim');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
      throw new InvalidTokenError('roles claim missing or holds an unknown role');
    }
    return { sub, org, roles };
  }
}
