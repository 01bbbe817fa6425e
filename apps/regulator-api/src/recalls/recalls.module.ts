import { Module } from '@nestjs/common';
import { LotsModule } from '../lots/lots.module';
import { RecallsController } from './recalls.controller';
import { RecallService } from './recall.service';

@Module({
  imports: [LotsModule],
  controllers: [RecallsController],
  providers: [RecallService],
})
export class RecallsModule {}
