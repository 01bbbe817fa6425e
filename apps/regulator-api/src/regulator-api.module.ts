import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { LedgerModule } from './ledger/ledger.module';
import { MasterDataModule } from './master-data/master-data.module';
import { QueueBoardModule } from './queue-board/queue-board.module';

@Module({
  imports: [
    PlatformModule.forService('regulator-api'),
    MasterDataModule,
    LedgerModule,
    QueueBoardModule,
  ],
})
export class RegulatorApiModule {}
