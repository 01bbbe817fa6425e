import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OVERSIGHT_ROLES, Principal, Roles } from '@trace/auth';
import { IsString, Length } from 'class-validator';
import { ProductSuspensionService } from './product-suspension.service';

export class SuspensionReasonDto {
  @ApiProperty({ example: 'serious adverse reactions reported abroad; under review' })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

@ApiTags('regulator')
@ApiBearerAuth()
@Controller('v1/products/:gtin')
export class ProductSuspensionsController {
  constructor(private readonly suspensions: ProductSuspensionService) {}

  @Post('suspension')
  @Roles('regulator')
  @ApiOperation({
    summary: 'Suspend a product: no release, prescription or dispensing of it until lifted',
  })
  suspend(
    @Param('gtin') gtin: string,
    @Body() dto: SuspensionReasonDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.suspensions.suspend(gtin, dto.reason, principal);
  }

  @Delete('suspension')
  @HttpCode(200)
  @Roles('regulator')
  @ApiOperation({ summary: 'Lift the product’s suspension (kept in its history)' })
  lift(
    @Param('gtin') gtin: string,
    @Body() dto: SuspensionReasonDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.suspensions.lift(gtin, dto.reason, principal);
  }

  @Get('suspensions')
  @Roles(...OVERSIGHT_ROLES)
  history(@Param('gtin') gtin: string) {
    return this.suspensions.history(gtin);
  }
}
