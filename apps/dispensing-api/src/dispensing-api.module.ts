import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { DispenseService } from './dispenses/dispense.service';
import { DispensesController } from './dispenses/dispenses.controller';
import { PatientService } from './patients/patient.service';
import { PatientsController } from './patients/patients.controller';
import { PrescriptionService } from './prescriptions/prescription.service';
import { PrescriptionsController } from './prescriptions/prescriptions.controller';
import { VerificationController } from './verification/verification.controller';
import { VerificationService } from './verification/verification.service';

@Module({
  imports: [PlatformModule.forService('dispensing-api')],
  controllers: [
    PatientsController,
    PrescriptionsController,
    DispensesController,
    VerificationController,
  ],
  providers: [PatientService, PrescriptionService, DispenseService, VerificationService],
})
export class DispensingApiModule {}
