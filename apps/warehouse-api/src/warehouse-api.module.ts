import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { ExceptionsController } from './exceptions/exceptions.controller';
import { WarehouseExceptionsService } from './exceptions/warehouse-exceptions.service';
import { ImportDeclarationService } from './imports/import-declaration.service';
import { ImportsController } from './imports/imports.controller';
import { ReceiptService } from './receipts/receipt.service';
import { ReceiptsController } from './receipts/receipts.controller';

@Module({
  imports: [PlatformModule.forService('warehouse-api')],
  controllers: [ImportsController, ReceiptsController, ExceptionsController],
  providers: [ImportDeclarationService, ReceiptService, WarehouseExceptionsService],
})
export class WarehouseApiModule {}
