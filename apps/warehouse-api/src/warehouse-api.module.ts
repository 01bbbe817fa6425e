import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';

@Module({
  imports: [PlatformModule.forService('warehouse-api')],
})
export class WarehouseApiModule {}
