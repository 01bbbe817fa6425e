import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';

@Module({
  imports: [PlatformModule.forService('ledger-writer')],
})
export class LedgerWriterModule {}
