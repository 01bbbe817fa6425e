import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Options,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OVERSIGHT_ROLES, Principal, Public, Roles } from '@trace/auth';
import { ProblemException } from '@trace/http';
import type { Response } from 'express';
import { ErrorBehaviour } from '../capture/capture-inbox';
import { CaptureStatusService } from '../capture/capture-status.service';
import { EpcisCaptureService } from './epcis-capture.service';

/** Organisations whose staff or systems report what happened to packs. */
export const CAPTURING_ROLES = [
  'importer',
  'customs_officer',
  'warehouse_operator',
  'pharmacist',
  'clinician',
] as const;
const STATUS_READERS = [...CAPTURING_ROLES, ...OVERSIGHT_ROLES];

function errorBehaviour(header: string | undefined): ErrorBehaviour {
  const value = (header ?? 'rollback').trim().toLowerCase();
  if (value === 'rollback' || value === 'proceed') return value;
  throw new ProblemException(
    'VALIDATION_FAILED',
    'GS1-Capture-Error-Behaviour must be rollback or proceed',
  );
}

@ApiTags('epcis')
@Controller()
export class EpcisCaptureController {
  constructor(
    private readonly captures: EpcisCaptureService,
    private readonly status: CaptureStatusService,
  ) {}

  @Post('epcis/capture')
  @HttpCode(202)
  @ApiBearerAuth()
  @Roles(...CAPTURING_ROLES)
  @ApiHeader({
    name: 'GS1-Capture-Error-Behaviour',
    required: false,
    enum: ['rollback', 'proceed'],
  })
  @ApiOperation({
    summary: 'Capture an EPCIS 2.0 document (JSON or JSON-LD) as an asynchronous capture job',
  })
  async capture(
    @Body() body: unknown,
    @Headers('gs1-capture-error-behaviour') behaviour: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.captures.capture(body, errorBehaviour(behaviour), principal);
    res.setHeader('Location', `/epcis/capture/${accepted.captureID}`);
    return accepted;
  }

  @Options('epcis/capture')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Capture limits, in the GS1-EPCIS-Capture-* headers' })
  captureOptions(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Allow', 'OPTIONS, POST');
  }

  @Get('epcis/capture/:captureId')
  @ApiBearerAuth()
  @Roles(...STATUS_READERS)
  @ApiOperation({
    summary: 'A capture job: running, success, errors, and each event in the ledger',
  })
  job(@Param('captureId') captureId: string, @CurrentPrincipal() principal: Principal) {
    return this.status.status(captureId, principal);
  }

  @Get('v1/captures/:captureId')
  @ApiBearerAuth()
  @Roles(...STATUS_READERS)
  @ApiOperation({
    summary: 'A capture (scan batch or EPCIS document) and its events in the ledger',
  })
  capturedV1(@Param('captureId') captureId: string, @CurrentPrincipal() principal: Principal) {
    return this.status.status(captureId, principal);
  }
}
