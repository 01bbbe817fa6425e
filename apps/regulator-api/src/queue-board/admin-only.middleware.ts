import { OrganisationDirectory, TokenService } from '@trace/auth';
import { roleFitsOrganisation } from '@trace/domain';
import { buildProblem, sendProblem } from '@trace/http';
import type { NextFunction, Request, Response } from 'express';

const COOKIE = 'trace_board_token';

/**
 * Bull Board is Express middleware outside Nest's guards, so it gets its own gate: an admin
 * bearer token, or — for a browser — `?token=` once, kept in an HttpOnly cookie.
 */
export function adminOnly(tokens: TokenService, organisations: OrganisationDirectory) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const cookie = req.headers.cookie
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${COOKIE}=`))
      ?.slice(COOKIE.length + 1);
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    const token = header ?? query ?? cookie;
    if (!token) {
      return sendProblem(
        req,
        res,
        buildProblem(401, 'UNAUTHENTICATED', 'An admin token is required'),
      );
    }
    let principal;
    try {
      principal = tokens.verify(token);
    } catch (err) {
      return sendProblem(req, res, buildProblem(401, 'UNAUTHENTICATED', (err as Error).message));
    }
    if (!principal.roles.includes('admin')) {
      return sendProblem(req, res, buildProblem(403, 'FORBIDDEN', 'Requires the admin role'));
    }
    organisations
      .typeOf(principal.org)
      .then((type) => {
        if (!type || !roleFitsOrganisation('admin', type)) {
          return sendProblem(req, res, buildProblem(403, 'FORBIDDEN', 'Requires the admin role'));
        }
        if (query) {
          res.setHeader(
            'Set-Cookie',
            `${COOKIE}=${query}; HttpOnly; SameSite=Strict; Path=/admin/queues; Max-Age=28800`,
          );
        }
        next();
      })
      .catch(next);
  };
}
