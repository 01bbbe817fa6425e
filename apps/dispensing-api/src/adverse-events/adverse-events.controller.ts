import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { AdverseEventService } from './adverse-event.service';
import { ReportAdverseEventDto } from './adverse-events.dto';

@ApiTags('adverse events')
@ApiBearerAuth()
@Controller('v1/adverse-events')
export class AdverseEventsController {
  constructor(private readonly adverseEvents: AdverseEventService) {}

  @Post()
  @Roles('pharmacist', 'clinician')
  @ApiOperation({
    summary:
      'Report an adverse event for a patient, linked to a pack or a lot (evidence in the ledger)',
  })
  report(@Body() dto: ReportAdverseEventDto, @CurrentPrincipal() principal: Principal) {
    return this.adverseEvents.report(dto, principal);
  }
}
