import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { PrescriptionService } from './prescription.service';
import { CreatePrescriptionDto } from './prescriptions.dto';

@ApiTags('prescriptions')
@ApiBearerAuth()
@Controller('v1/prescriptions')
export class PrescriptionsController {
  constructor(private readonly prescriptions: PrescriptionService) {}

  @Post()
  @Roles('clinician', 'pharmacist')
  @ApiOperation({
    summary:
      'Prescribe against an approval (institution, product, indication, patient, quantity left; take-out rules)',
  })
  create(@Body() dto: CreatePrescriptionDto, @CurrentPrincipal() principal: Principal) {
    return this.prescriptions.create(dto, principal);
  }
}
