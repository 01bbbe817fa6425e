import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError, ERROR_CODES } from '@trace/domain';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { buildProblem, PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemException } from './problem';

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

/** PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (restarting, recovering). */
const DATABASE_GOING_AWAY = new Set(['57P01', '57P02', '57P03']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * The database (or another backing service) is restarting or out of reach: a moment's
 * outage, not a fault of the request or of the code. Seen by the fault suite while
 * PostgreSQL restarts: refused connections, sessions terminated, the pool's connect timeout.
 */
function isBackendUnavailable(exception: unknown): boolean {
  const err = exception as { code?: unknown; driverError?: { code?: unknown }; message?: unknown };
  const sqlState = String(err?.driverError?.code ?? err?.code ?? '');
  if (DATABASE_GOING_AWAY.has(sqlState) || /^08/.test(sqlState)) return true;
  if (UNREACHABLE.has(sqlState)) return true;
  return /Connection terminated|timeout exceeded when trying to connect/.test(
    String(err?.message ?? ''),
  );
}

/** Maps anything thrown during a request to one RFC 7807 answer; only real faults are 5xx. */
export function toProblem(exception: unknown): ProblemDocument {
  if (exception instanceof ProblemException) return exception.problem;
  if (exception instanceof DomainError) {
    return buildProblem(ERROR_CODES[exception.code], exception.code, exception.message, {
      ...(exception.details ?? {}),
    });
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : Array.isArray((body as { message?: unknown }).message)
          ? ((body as { message: string[] }).message.join('; ') as string)
          : String((body as { message?: unknown }).message ?? exception.message);
    return buildProblem(status, CODE_FOR_STATUS[status] ?? `HTTP_${status}`, message);
  }
  if (exception instanceof QueryFailedError) {
    const driver = (
      exception as QueryFailedError & { driverError?: { code?: string; detail?: string } }
    ).driverError;
    switch (driver?.code) {
      case '23505': // unique_violation
        return buildProblem(409, 'ALREADY_EXISTS', driver.detail ?? 'Already exists');
      case '23503': // foreign_key_violation
      case '23514': // check_violation
      case '22P02': // invalid_text_representation
      case '22021': // character_not_in_repertoire (a NUL byte in a text parameter)
      case '22P05': // untranslatable_character
      case '22007': // invalid_datetime_format
      case '22008': // datetime_field_overflow
        return buildProblem(400, 'VALIDATION_FAILED', driver.detail ?? exception.message);
      case '57014': // query_canceled (statement timeout)
      case '40001': // serialization_failure
      case '40P01': // deadlock_detected
        return buildProblem(503, 'SERVICE_UNAVAILABLE', 'The database is busy; retry shortly', {
          retryAfterSeconds: 1,
        });
    }
  }
  const parserError = bodyParserProblem(exception);
  if (parserError) return parserError;
  if (isBackendUnavailable(exception)) {
    return buildProblem(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
      retryAfterSeconds: 2,
    });
  }
  return buildProblem(500, 'INTERNAL_ERROR', 'An unexpected error occurred');
}

/** Errors raised by the JSON body parser before a controller runs. */
export function bodyParserProblem(err: unknown): ProblemDocument | null {
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  switch (e?.type) {
    case 'entity.too.large':
      return buildProblem(
        413,
        'PAYLOAD_TOO_LARGE',
        `The body exceeds the limit of ${e.limit} bytes`,
        {
          limitBytes: e.limit,
        },
      );
    case 'entity.too.deep':
      return buildProblem(400, 'VALIDATION_FAILED', e.message ?? 'The body nests too deeply');
    case 'entity.parse.failed':
      return buildProblem(400, 'VALIDATION_FAILED', `The body is not valid JSON: ${e.message}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return buildProblem(415, 'UNSUPPORTED_MEDIA_TYPE', e.message ?? 'Unsupported encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'parameters.too.many':
      return buildProblem(400, 'VALIDATION_FAILED', e.message ?? 'Malformed request body');
  }
  return null;
}

export function sendProblem(req: Request, res: Response, problem: ProblemDocument): void {
  const requestId = (req as Request & { id?: unknown }).id;
  const body: ProblemDocument = { ...problem, instance: req.originalUrl ?? req.url };
  if (requestId !== undefined) body.requestId = String(requestId);
  if (problem.status === 503 && typeof problem.retryAfterSeconds === 'number') {
    res.setHeader('Retry-After', String(problem.retryAfterSeconds));
  }
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const problem = toProblem(exception);
    if (problem.status >= HttpStatus.INTERNAL_SERVER_ERROR && problem.status !== 503) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (res.headersSent) return;
    sendProblem(req, res, problem);
  }
}
