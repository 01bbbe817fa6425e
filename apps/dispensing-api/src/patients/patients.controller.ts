import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import type { Response } from 'express';
import { PatientService } from './patient.service';
import { RegisterPatientDto } from './patients.dto';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('v1/patients')
export class PatientsController {
  constructor(private readonly patients: PatientService) {}

  @Post()
  @Roles('pharmacist', 'clinician')
  @ApiOperation({
    summary:
      'Register a patient: personal data stays here, encrypted; answers the pseudonymous reference',
  })
  async register(
    @Body() dto: RegisterPatientDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { patientRef, created } = await this.patients.register(dto, principal);
    res.status(created ? 201 : 200);
    return { patientRef };
  }

  @Get(':patientRef')
  @Roles('pharmacist', 'clinician')
  @ApiOperation({ summary: "One of this hospital's patients, decrypted" })
  find(@Param('patientRef') patientRef: string, @CurrentPrincipal() principal: Principal) {
    return this.patients.find(patientRef, principal);
  }

  @Delete(':patientRef')
  @HttpCode(204)
  @Roles('pharmacist', 'clinician')
  @ApiOperation({ summary: "Erase the patient's personal data (the pseudonymous reference stays)" })
  async erase(@Param('patientRef') patientRef: string, @CurrentPrincipal() principal: Principal) {
    await this.patients.erase(patientRef, principal);
  }
}
