import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { CustodyController } from './custody.controller';
import { CustodyService } from './custody.service';

@Module({
  imports: [LedgerModule],
  controllers: [CustodyController],
  providers: [CustodyService],
})
export class CustodyModule {}
