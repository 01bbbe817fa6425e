import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { MasterDataModule } from './master-data/master-data.module';
import { QueueBoardModule } from './queue-board/queue-board.module';

@Module({
  imports: [PlatformModule.forService('regulator-api'), MasterDataModule, QueueBoardModule],
})
export class RegulatorApiModule {}
