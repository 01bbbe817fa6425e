import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ColdChainService } from './cold-chain.service';
import { SensorReadingsDto } from './sensor-readings.dto';

@ApiTags('cold chain')
@ApiBearerAuth()
@Controller('v1/sensor-readings')
export class SensorReadingsController {
  constructor(private readonly coldChain: ColdChainService) {}

  @Post()
  @HttpCode(200)
  @Roles('warehouse_operator')
  @ApiOperation({
    summary:
      'Temperatures of a store or a pallet; an excursion holds the packs and opens an exception',
  })
  record(@Body() dto: SensorReadingsDto, @CurrentPrincipal() principal: Principal) {
    return this.coldChain.record(dto, principal);
  }
}
