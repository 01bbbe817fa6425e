import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import {
  CreateDestructionDto,
  CreateHoldDto,
  CreateReExportDto,
  StockCountDto,
  TraceCodesDto,
} from './stock-control.dto';
import { StockControlService } from './stock-control.service';

@ApiTags('stock control')
@ApiBearerAuth()
@Controller('v1')
export class StockControlController {
  constructor(private readonly stock: StockControlService) {}

  @Post('holds')
  @Roles('warehouse_operator')
  @ApiOperation({
    summary: 'Put packs on hold, with the reason (pack by pack: the others proceed)',
  })
  hold(@Body() dto: CreateHoldDto, @CurrentPrincipal() principal: Principal) {
    return this.stock.hold(dto, principal);
  }

  @Post('holds/:holdId/release')
  @HttpCode(200)
  @Roles('warehouse_operator')
  @ApiOperation({ summary: 'Release a hold: an explicit action, recorded with who did it' })
  release(@Param('holdId') holdId: string, @CurrentPrincipal() principal: Principal) {
    return this.stock.releaseHold(holdId, principal);
  }

  @Post('destructions')
  @Roles('warehouse_operator')
  @ApiOperation({
    summary: 'Destroy packs before an executor and a different supervisor (all or nothing)',
  })
  destroy(@Body() dto: CreateDestructionDto, @CurrentPrincipal() principal: Principal) {
    return this.stock.destroy(dto, principal);
  }

  @Post('re-exports')
  @Roles('warehouse_operator')
  @ApiOperation({ summary: 'Ship packs back out of the country (all or nothing)' })
  reExport(@Body() dto: CreateReExportDto, @CurrentPrincipal() principal: Principal) {
    return this.stock.reExport(dto, principal);
  }

  @Post('shipments/:shipmentId/void')
  @HttpCode(200)
  @Roles('warehouse_operator')
  @ApiOperation({ summary: 'Void a shipment still in transit (all or nothing)' })
  voidShipment(@Param('shipmentId') shipmentId: string, @CurrentPrincipal() principal: Principal) {
    return this.stock.voidShipment(shipmentId, principal);
  }

  @Post('stock-counts')
  @HttpCode(200)
  @Roles('warehouse_operator')
  @ApiOperation({
    summary: 'Count a location: found packs recorded, differences open a COUNT_VARIANCE exception',
  })
  count(@Body() dto: StockCountDto, @CurrentPrincipal() principal: Principal) {
    return this.stock.count(dto, principal);
  }

  @Post('trace-codes')
  @HttpCode(200)
  @Roles('warehouse_operator')
  @ApiOperation({
    summary:
      'Apply Chinese trace codes to packs (pack by pack); a later scan of a code finds its pack',
  })
  traceCodes(@Body() dto: TraceCodesDto, @CurrentPrincipal() principal: Principal) {
    return this.stock.applyTraceCodes(dto, principal);
  }
}
