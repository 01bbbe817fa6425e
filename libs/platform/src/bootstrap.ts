import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, appConfig, loadAppConfig, ServiceName } from '@trace/config';
import { configureHttpApp, HttpAppOptions } from '@trace/http';
import { Logger } from 'nestjs-pino';

export type HttpServiceName = Exclude<ServiceName, 'cli'>;

/** Builds a service exactly as production runs it (tests call this without listening). */
export async function createHttpService(
  module: Type<unknown>,
  opts: HttpAppOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  configureHttpApp(app, app.get<AppConfig>(appConfig.KEY), opts);
  return app;
}

/**
 * Entry point of every service: validate configuration first (a bad setting stops here,
 * named), then build, listen and print one line saying where.
 */
export function runHttpService(
  service: HttpServiceName,
  module: Type<unknown>,
  opts: HttpAppOptions,
): void {
  const start = async () => {
    const cfg = loadAppConfig();
    const app = await createHttpService(module, opts);
    const port = cfg.http.ports[service];
    await app.listen(port, cfg.http.host);
    const docs = opts.openApi === false ? '' : `, docs at /docs`;
    console.log(`${service} listening on http://${cfg.http.host}:${port}${docs}`);
  };
  start().catch((err: Error) => {
    console.error(`${service} failed to start: ${err.message}`);
    process.exit(1);
  });
}
