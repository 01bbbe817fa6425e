import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@trace/config';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { buildProblem } from './problem';
import { bodyParserProblem, sendProblem } from './problem-details.filter';

export interface HttpAppOptions {
  title: string;
  description: string;
  /** Serve Swagger UI at /docs and the document at /docs-json. */
  openApi?: boolean;
  /** Content types parsed as JSON besides application/json (e.g. application/ld+json). */
  jsonTypes?: string[];
  /**
   * Runs before the body is read, so that what it sets (headers advertising limits) is on
   * every answer, the body parser's 413 included.
   */
  beforeBody?: (cfg: AppConfig) => (req: Request, res: Response, next: NextFunction) => void;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Deeper than any document this API takes (an EPCIS event nests about ten levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests objects and arrays deeper than `max`, read from the bytes before
 * parsing (strings skipped). A body of thousands of nested brackets parses, but then overflows
 * the stack of the validation that walks it: a 500 for every service (found by the fault suite).
 */
export function jsonNestsDeeperThan(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Everything about the HTTP edge that is not a Nest provider: helmet, the JSON body parser
 * with its size limit (413 as problem+json), refusal of non-JSON bodies (415), Swagger.
 * Production bootstrap and end-to-end tests both call this.
 */
export function configureHttpApp(app: INestApplication, cfg: AppConfig, opts: HttpAppOptions) {
  app.use(helmet());
  if (opts.beforeBody) app.use(opts.beforeBody(cfg));
  const parser = express.json({
    limit: cfg.http.bodyLimitBytes,
    type: ['application/json', 'application/*+json', ...(opts.jsonTypes ?? [])],
    verify: (_req, _res, body) => {
      if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) {
        throw Object.assign(new Error(`The body nests deeper than ${MAX_JSON_DEPTH} levels`), {
          type: 'entity.too.deep',
        });
      }
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (BODY_METHODS.has(req.method) && hasBody(req) && !req.is(['json', '+json'])) {
      return sendProblem(
        req,
        res,
        buildProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'),
      );
    }
    parser(req, res, (err?: unknown) => {
      if (!err) return next();
      const problem = bodyParserProblem(err);
      if (!problem) return next(err);
      // The rest of an oversized body is not read: close the connection after answering.
      if (problem.status === 413) res.setHeader('Connection', 'close');
      sendProblem(req, res, problem);
    });
  });
  app.enableShutdownHooks();
  if (opts.openApi !== false) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(opts.title)
        .setDescription(opts.description)
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
