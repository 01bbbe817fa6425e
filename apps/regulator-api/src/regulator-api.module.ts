import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { ExceptionsReadModule } from '@trace/custody-exceptions';
import { AlertsModule } from './alerts/alerts.module';
import { StockModule } from './stock/stock.module';
import { EpcisQueryModule } from './epcis-query/epcis-query.module';
import { CustodyModule } from './custody/custody.module';
import { LedgerModule } from './ledger/ledger.module';
import { LotsModule } from './lots/lots.module';
import { MasterDataModule } from './master-data/master-data.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { RecallsModule } from './recalls/recalls.module';
import { ProductSuspensionsModule } from './suspensions/product-suspensions.module';

@Module({
  imports: [
    PlatformModule.forService('regulator-api'),
    MasterDataModule,
    LedgerModule,
    CustodyModule,
    LotsModule,
    RecallsModule,
    ProductSuspensionsModule,
    EpcisQueryModule,
    StockModule,
    ExceptionsReadModule,
    AlertsModule,
    QueueBoardModule,
  ],
})
export class RegulatorApiModule {}
