import { Module } from '@nestjs/common';
import { PlatformModule } from '@trace/platform';
import { ColdChainService } from './cold-chain/cold-chain.service';
import { SensorReadingsController } from './cold-chain/sensor-readings.controller';
import { CustodyExceptionsService, ExceptionsController } from '@trace/custody-exceptions';
import { ImportDeclarationService } from './imports/import-declaration.service';
import { ImportsController } from './imports/imports.controller';
import { InspectionService } from './inspections/inspection.service';
import { InspectionsController } from './inspections/inspections.controller';
import { WarehouseLedger } from './ledger/warehouse-ledger';
import { ReceiptService } from './receipts/receipt.service';
import { ReceiptsController } from './receipts/receipts.controller';
import { ShipmentService } from './shipments/shipment.service';
import { ShipmentsController } from './shipments/shipments.controller';
import { StockControlController } from './stock-control/stock-control.controller';
import { StockControlService } from './stock-control/stock-control.service';

@Module({
  imports: [PlatformModule.forService('warehouse-api')],
  controllers: [
    ImportsController,
    ReceiptsController,
    InspectionsController,
    SensorReadingsController,
    ShipmentsController,
    StockControlController,
    ExceptionsController,
  ],
  providers: [
    WarehouseLedger,
    ImportDeclarationService,
    ReceiptService,
    InspectionService,
    ColdChainService,
    ShipmentService,
    StockControlService,
    CustodyExceptionsService,
  ],
})
export class WarehouseApiModule {}
