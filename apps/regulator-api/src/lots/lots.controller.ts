import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OVERSIGHT_ROLES, Roles } from '@trace/auth';
import { LotLookbackService } from './lot-lookback.service';

@ApiTags('regulator')
@ApiBearerAuth()
@Controller('v1/lots')
export class LotsController {
  constructor(private readonly lookback: LotLookbackService) {}

  @Get(':gtin/:lot/patients')
  @Roles(...OVERSIGHT_ROLES)
  @ApiOperation({
    summary:
      'Look-back: the patients who received packs of the lot (dispensed, administered, taken out)',
  })
  patients(@Param('gtin') gtin: string, @Param('lot') lot: string) {
    return this.lookback.patients(gtin, lot);
  }

  @Get(':gtin/:lot/board')
  @Roles(...OVERSIGHT_ROLES)
  @ApiOperation({ summary: 'The lot’s packs by state and by custodian and location' })
  board(@Param('gtin') gtin: string, @Param('lot') lot: string) {
    return this.lookback.board(gtin, lot);
  }
}
