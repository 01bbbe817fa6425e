import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, IsUUID, MaxLength } from 'class-validator';
import { HospitalReceiptService } from './hospital-receipt.service';

export class HospitalReceiptDto {
  @ApiProperty()
  @IsUUID()
  shipmentId!: string;

  @ApiProperty({ type: [String], description: 'Packs, cases or pallets as scanned' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(3200, { each: true })
  scans!: string[];
}

@ApiTags('receipts')
@ApiBearerAuth()
@Controller('v1/receipts')
export class HospitalReceiptsController {
  constructor(private readonly receipts: HospitalReceiptService) {}

  @Post()
  @Roles('pharmacist')
  @ApiOperation({
    summary: 'Receive a shipment: compared with what was shipped here; differences open exceptions',
    description: 'Partial success: bad scans are reported by position while the others proceed.',
  })
  receive(@Body() dto: HospitalReceiptDto, @CurrentPrincipal() principal: Principal) {
    return this.receipts.receive(dto, principal);
  }
}
