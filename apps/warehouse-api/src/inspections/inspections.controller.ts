import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { InspectionService } from './inspection.service';
import { InspectionDto } from './inspections.dto';

@ApiTags('inspections')
@ApiBearerAuth()
@Controller('v1/inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionService) {}

  @Post()
  @HttpCode(200)
  @Roles('customs_officer', 'warehouse_operator')
  @ApiOperation({
    summary: 'Inspection result: conformant → BONDED_STOCK, non-conformant → QUARANTINED',
    description:
      'Partial success: a pack that cannot be inspected is reported; the others proceed.',
  })
  inspect(@Body() dto: InspectionDto, @CurrentPrincipal() principal: Principal) {
    return this.inspections.inspect(dto, principal);
  }
}
