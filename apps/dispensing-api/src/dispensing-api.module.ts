import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { PatientService } from './patients/patient.service';
import { PatientsController } from './patients/patients.controller';
import { VerificationController } from './verification/verification.controller';
import { VerificationService } from './verification/verification.service';

@Module({
  imports: [PlatformModule.forService('dispensing-api')],
  controllers: [PatientsController, VerificationController],
  providers: [PatientService, VerificationService],
})
export class DispensingApiModule {}
