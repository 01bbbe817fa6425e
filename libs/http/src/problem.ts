import { HttpException } from '@nestjs/common';
import { ERROR_CODES, ErrorCode } from '@trace/domain';

export interface ProblemFieldError {
  field: string;
  code?: string;
  message: string;
}

/** RFC 7807 body; `code` is the stable machine-readable reason clients branch on. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: unknown[];
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemTypeUri(code: string): string {
  return `urn:trace-ledger:problem:${code}`;
}

export function buildProblem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDocument {
  return {
    type: problemTypeUri(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extensions,
  };
}

/** Thrown anywhere in a request to answer with a problem document. */
export class ProblemException extends HttpException {
  readonly problem: ProblemDocument;

  constructor(
    code: ErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
    status: number = ERROR_CODES[code],
  ) {
    const problem = buildProblem(status, code, detail, extensions);
    super(problem, status);
    this.problem = problem;
  }
}
