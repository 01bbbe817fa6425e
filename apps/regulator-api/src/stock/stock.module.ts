import { Module } from '@nestjs/common';
import { Clock } from '@trace/platform';
import { StockController } from './stock.controller';
import { StockService } from './stock.service';

@Module({
  controllers: [StockController],
  providers: [StockService, Clock],
})
export class StockModule {}
