import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ROLES } from '@trace/domain';
import { StockQuery } from './stock-query.dto';
import { StockService } from './stock.service';

@ApiTags('stock')
@ApiBearerAuth()
@Controller('v1/stock')
export class StockController {
  constructor(private readonly stock: StockService) {}

  @Get()
  // Regulators, auditors and admins read every organisation's stock; anyone else only their own.
  @Roles(...ROLES)
  @ApiOperation({
    summary: 'Stock by custodian × location × product × lot × state, with expiry bands',
    description:
      "Each row and the grand total say how many units are usable: recalled, expired, quarantined… units are not, nor units past their expiry date that were never recorded EXPIRED (expiredNotWithdrawn). An organisation sees only the stock it holds; another organisation's location is refused with 403.",
  })
  report(@Query() q: StockQuery, @CurrentPrincipal() principal: Principal) {
    return this.stock.report(q, principal);
  }
}
