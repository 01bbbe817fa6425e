import { Module } from '@nestjs/common';
import { LotLookbackService } from './lot-lookback.service';
import { LotsController } from './lots.controller';

@Module({
  controllers: [LotsController],
  providers: [LotLookbackService],
  exports: [LotLookbackService],
})
export class LotsModule {}
