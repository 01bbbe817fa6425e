import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';

@Module({
  imports: [PlatformModule.forService('dispensing-api')],
})
export class DispensingApiModule {}
