import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@trace/auth';
import { ServiceName, TraceConfigModule } from '@trace/config';
import { DatabaseModule } from '@trace/database';
import { HttpPlatformModule } from '@trace/http';
import { ObservabilityModule } from '@trace/observability';
import { QueueModule } from '@trace/queue';
import { Clock } from './clock';

/** What every service has: config, database, queue, logs/health/metrics, auth, HTTP rules. */
@Module({})
export class PlatformModule {
  static forService(service: Exclude<ServiceName, 'cli'>): DynamicModule {
    const observability = ObservabilityModule.forService(service);
    return {
      module: PlatformModule,
      providers: [Clock],
      exports: [observability, Clock],
      imports: [
        TraceConfigModule,
        DatabaseModule,
        QueueModule,
        observability,
        AuthModule,
        HttpPlatformModule,
      ],
    };
  }
}
