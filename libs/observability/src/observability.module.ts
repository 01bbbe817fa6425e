import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { AppConfig, appConfig, ServiceName } from '@trace/config';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Accept a caller's X-Request-Id when it is sane, otherwise mint one; echo it back. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

@Module({})
export class ObservabilityModule {
  static forService(service: ServiceName): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (cfg: AppConfig) => ({
            pinoHttp: {
              level: cfg.logLevel,
              base: { service },
              genReqId: requestIdFor,
              redact: {
                paths: [
                  'req.headers.authorization',
                  'req.headers.cookie',
                  'res.headers["set-cookie"]',
                ],
                censor: '[redacted]',
              },
              autoLogging: {
                ignore: (req: IncomingMessage) =>
                  req.url?.startsWith('/health') === true || req.url === '/metrics',
              },
            },
          }),
        }),
        PrometheusModule.registerAsync({
          controller: MetricsController,
          useFactory: () => {
            // prom-client keeps one global registry per process; starting from an empty one
            // lets several services be built in one process (the end-to-end suites).
            register.clear();
            return {
              path: '/metrics',
              defaultLabels: { service },
              defaultMetrics: { enabled: true },
            };
          },
        }),
      ],
      controllers: [HealthController],
      // Services declare their own metrics with @willsoto's make*Provider helpers.
      exports: [PrometheusModule],
    };
  }
}
