import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ReceiptService } from './receipt.service';
import { CreateReceiptDto } from './receipts.dto';

@ApiTags('receipts')
@ApiBearerAuth()
@Controller('v1/receipts')
export class ReceiptsController {
  constructor(private readonly receipts: ReceiptService) {}

  @Post()
  @Roles('warehouse_operator')
  @ApiOperation({
    summary: 'Receive goods into the bonded warehouse before inspection',
    description:
      'Partial success: bad scans are reported by position (aggregation problems by -1 - the ' +
      'aggregation index) while the others proceed. Packs matching the declaration become ' +
      'BONDED_PENDING; missing, undeclared and lot-mismatched packs open exceptions, and packs ' +
      'held here whose data disagree go on hold.',
  })
  receive(@Body() dto: CreateReceiptDto, @CurrentPrincipal() principal: Principal) {
    return this.receipts.receive(dto, principal);
  }
}
