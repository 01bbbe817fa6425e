import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { CaptureInbox } from './capture/capture-inbox';
import { CaptureRecoveryService } from './capture/capture-recovery.service';
import { CaptureStatusService } from './capture/capture-status.service';
import { CaptureSubmissionService } from './capture/capture-submission.service';
import { IngestMasterData } from './capture/ingest-master-data';
import { EpcisCaptureController } from './epcis/epcis-capture.controller';
import { EpcisCaptureService } from './epcis/epcis-capture.service';
import { ScanBatchService } from './scans/scan-batch.service';
import { ScansController } from './scans/scans.controller';

@Module({
  imports: [PlatformModule.forService('ingest-api')],
  controllers: [ScansController, EpcisCaptureController],
  providers: [
    CaptureInbox,
    CaptureSubmissionService,
    CaptureStatusService,
    CaptureRecoveryService,
    IngestMasterData,
    EpcisCaptureService,
    ScanBatchService,
  ],
})
export class IngestApiModule {}
