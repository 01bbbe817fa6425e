import { Module } from '@nestjs/common';
import { CustodyExceptionsService, ExceptionsController } from '@trace/custody-exceptions';
import { PlatformModule } from '@trace/platform';
import { AdverseEventService } from './adverse-events/adverse-event.service';
import { AdverseEventsController } from './adverse-events/adverse-events.controller';
import { DISPENSE_METRIC_PROVIDERS, DispenseMetrics } from './dispenses/dispense-metrics';
import { DispenseService } from './dispenses/dispense.service';
import { DispensesController } from './dispenses/dispenses.controller';
import { PatientService } from './patients/patient.service';
import { PatientsController } from './patients/patients.controller';
import { PrescriptionService } from './prescriptions/prescription.service';
import { PrescriptionsController } from './prescriptions/prescriptions.controller';
import { HospitalReceiptService } from './receipts/hospital-receipt.service';
import { HospitalReceiptsController } from './receipts/hospital-receipts.controller';
import { ReturnService } from './returns/return.service';
import { ReturnsController } from './returns/returns.controller';
import { VerificationController } from './verification/verification.controller';
import { VerificationService } from './verification/verification.service';

@Module({
  imports: [PlatformModule.forService('dispensing-api')],
  controllers: [
    PatientsController,
    PrescriptionsController,
    DispensesController,
    VerificationController,
    AdverseEventsController,
    HospitalReceiptsController,
    ReturnsController,
    ExceptionsController,
  ],
  providers: [
    PatientService,
    PrescriptionService,
    DispenseService,
    DispenseMetrics,
    ...DISPENSE_METRIC_PROVIDERS,
    VerificationService,
    AdverseEventService,
    HospitalReceiptService,
    ReturnService,
    CustodyExceptionsService,
  ],
})
export class DispensingApiModule {}
