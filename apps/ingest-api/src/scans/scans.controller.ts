import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ROLES } from '@trace/domain';
import { CAPTURING_ROLES } from '../epcis/epcis-capture.controller';
import { ScanBatchService } from './scan-batch.service';
import { ParseScansDto, ScanBatchDto } from './scans.dto';

@ApiTags('scans')
@ApiBearerAuth()
@Controller('v1/scans')
export class ScansController {
  constructor(private readonly scans: ScanBatchService) {}

  @Post('parse')
  @HttpCode(200)
  @Roles(...ROLES)
  @ApiOperation({
    summary: 'Per-scan verdicts for scanning screens: GTIN, lot, expiry, serial, or why not',
  })
  parse(@Body() dto: ParseScansDto) {
    return this.scans.parse(dto.scans);
  }

  @Post()
  @HttpCode(202)
  @Roles(...CAPTURING_ROLES)
  @ApiOperation({
    summary:
      'A batch of scans at a location as EPCIS events into the ledger (bad scans refused one by one)',
  })
  submit(@Body() dto: ScanBatchDto, @CurrentPrincipal() principal: Principal) {
    return this.scans.submit(dto, principal);
  }
}
