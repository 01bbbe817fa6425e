import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Public } from '@trace/auth';
import type { Response } from 'express';

/** Prometheus scrape endpoint; public like the health checks (no business data in it). */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController extends PrometheusController {
  @Get()
  override async index(@Res({ passthrough: true }) response: Response) {
    return super.index(response);
  }
}
