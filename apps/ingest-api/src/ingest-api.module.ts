import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';

@Module({
  imports: [PlatformModule.forService('ingest-api')],
})
export class IngestApiModule {}
