import { Module } from '@nestjs/common';
import { Clock } from '@trace/platform';
import { EpcisQueryController } from './epcis-query.controller';
import { EpcisQueryService } from './epcis-query.service';

@Module({
  controllers: [EpcisQueryController],
  providers: [EpcisQueryService, Clock],
})
export class EpcisQueryModule {}
