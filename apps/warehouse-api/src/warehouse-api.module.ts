import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { ImportDeclarationService } from './imports/import-declaration.service';
import { ImportsController } from './imports/imports.controller';

@Module({
  imports: [PlatformModule.forService('warehouse-api')],
  controllers: [ImportsController],
  providers: [ImportDeclarationService],
})
export class WarehouseApiModule {}
