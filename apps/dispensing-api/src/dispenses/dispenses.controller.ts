import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { IsString, IsUUID, MaxLength } from 'class-validator';
import { DispenseService } from './dispense.service';

export class CreateDispenseDto {
  @ApiProperty()
  @IsUUID()
  prescriptionId!: string;

  @ApiProperty({ description: 'The pack as scanned' })
  @IsString()
  @MaxLength(3200)
  scan!: string;
}

@ApiTags('dispensing')
@ApiBearerAuth()
@Controller('v1/dispenses')
export class DispensesController {
  constructor(private readonly dispenses: DispenseService) {}

  @Post()
  @Roles('pharmacist')
  @ApiOperation({
    summary:
      'Dispense one scanned pack against a prescription, answered once the ledger committed it',
    description:
      '201 only after the ledger recorded the dispense; the rule code otherwise (the attempt is ' +
      'on record); 503 with retryAfterSeconds when the ledger did not answer in time — retrying ' +
      'the same request is safe.',
  })
  dispense(@Body() dto: CreateDispenseDto, @CurrentPrincipal() principal: Principal) {
    return this.dispenses.dispense(dto.prescriptionId, dto.scan, principal);
  }
}
