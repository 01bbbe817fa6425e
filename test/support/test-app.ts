import type { INestApplication, Type } from '@nestjs/common';
import { TokenService } from '@trace/auth';
import type { AppConfig } from '@trace/config';
import type { Role } from '@trace/domain';
import type { HttpAppOptions } from '@trace/http';
import { createHttpService } from '@trace/platform';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  /** A bearer header value for a user of an organisation with the given roles. */
  bearer(sub: string, org: string, ...roles: Role[]): string;
  close(): Promise<void>;
}

/** The service exactly as production builds it (same modules, pipes, filters, guards). */
export async function startTestApp(
  cfg: AppConfig,
  module: Type<unknown>,
  opts: HttpAppOptions,
): Promise<TestApp> {
  const app = await createHttpService(module, opts);
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    bearer: (sub, org, ...roles) =>
      `Bearer ${TokenService.issueWith(cfg.auth, { sub, org, roles })}`,
    close: () => app.close(),
  };
}
