import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { problemTypeUri, sendProblem, toProblem } from '@trace/http';
import type { Request, Response } from 'express';
import { EPCIS_EXCEPTIONS } from './epcis-query.service';

/** EPCIS exception types for the problems the platform raises in its own terms. */
const EPCIS_TYPE_BY_STATUS: Record<number, string> = {
  400: EPCIS_EXCEPTIONS.queryParameter,
  401: EPCIS_EXCEPTIONS.security,
  403: EPCIS_EXCEPTIONS.security,
  404: EPCIS_EXCEPTIONS.noSuchResource,
  500: EPCIS_EXCEPTIONS.implementation,
  503: EPCIS_EXCEPTIONS.implementation,
};

/**
 * The EPCIS routes answer problems with the REST binding's `epcisException:*` types (a client
 * of another EPCIS repository branches on them), including the guard's 401/403; the stable
 * `code` of the platform stays in the body.
 */
@Catch()
export class EpcisProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('EpcisQuery');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const problem = toProblem(exception);
    if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (res.headersSent) return;
    const platformType = problem.type === problemTypeUri(problem.code);
    const type = platformType
      ? (EPCIS_TYPE_BY_STATUS[problem.status] ?? problem.type)
      : problem.type;
    sendProblem(ctx.getRequest<Request>(), res, { ...problem, type });
  }
}
