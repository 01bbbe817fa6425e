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
