import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ShipmentService } from './shipment.service';
import { CreateShipmentDto } from './shipments.dto';

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('v1/shipments')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentService) {}

  @Post()
  @Roles('warehouse_operator')
  @ApiOperation({
    summary: 'Release and ship packs to a designated hospital against an approval',
    description:
      'All or nothing: a bad scan, a pack that may not go (customs not released, expired, ' +
      'recalled, held, already shipped), a hospital the approval does not name or too few ' +
      'units left refuse the whole shipment.',
  })
  ship(@Body() dto: CreateShipmentDto, @CurrentPrincipal() principal: Principal) {
    return this.shipments.ship(dto, principal);
  }
}
