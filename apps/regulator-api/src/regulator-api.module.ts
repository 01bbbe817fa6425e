import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { CustodyModule } from './custody/custody.module';
import { LedgerModule } from './ledger/ledger.module';
import { LotsModule } from './lots/lots.module';
import { MasterDataModule } from './master-data/master-data.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { RecallsModule } from './recalls/recalls.module';

@Module({
  imports: [
    PlatformModule.forService('regulator-api'),
    MasterDataModule,
    LedgerModule,
    CustodyModule,
    LotsModule,
    RecallsModule,
    QueueBoardModule,
  ],
})
export class RegulatorApiModule {}
