import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@trace/auth';
import { QueueHealthIndicator } from '@trace/queue';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly queue: QueueHealthIndicator,
  ) {}

  /** The process runs and its event loop answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready for traffic: database and Redis answer; reports the ledger queue backlog. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1500 }),
      () => this.queue.check('redis'),
    ]);
  }
}
