import { Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerReadService } from './ledger-read.service';

@Module({
  controllers: [LedgerController],
  providers: [LedgerReadService],
  exports: [LedgerReadService],
})
export class LedgerModule {}
