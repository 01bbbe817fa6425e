import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { CheckpointSignerService } from './checkpoints/checkpoint-signer.service';
import { SEQUENCER_METRIC_PROVIDERS, SequencerMetrics } from './sequencer/sequencer-metrics';
import { SequencerWorkerService } from './sequencer/sequencer-worker.service';

@Module({
  imports: [PlatformModule.forService('ledger-writer')],
  providers: [
    ...SEQUENCER_METRIC_PROVIDERS,
    SequencerMetrics,
    CheckpointSignerService,
    SequencerWorkerService,
  ],
})
export class LedgerWriterModule {}
