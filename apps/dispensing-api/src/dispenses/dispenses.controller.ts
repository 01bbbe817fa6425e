import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import {
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
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

export class CreateAdministrationDto {
  @ApiProperty({ description: 'The pack as scanned at the bedside' })
  @IsString()
  @MaxLength(3200)
  scan!: string;

  @ApiProperty({ example: 'pt-0123456789abcdef0123456789abcdef' })
  @Matches(/^pt-[0-9a-f]{32}$/, { message: '$property must be a patient reference' })
  patientRef!: string;

  @ApiProperty({ example: 'nurse.zhou' })
  @IsString()
  @Length(1, 100)
  administeredBy!: string;

  @ApiProperty({ required: false, example: '2026-06-03T09:30:00+08:00' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/T.*(Z|[+-]\d{2}:\d{2})$/, { message: '$property must carry a time and an offset' })
  time?: string;
}

@ApiTags('dispensing')
@ApiBearerAuth()
@Controller('v1')
export class DispensesController {
  constructor(private readonly dispenses: DispenseService) {}

  @Post('dispenses')
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

  @Post('dispenses/:dispenseId/undo')
  @HttpCode(200)
  @Roles('pharmacist')
  @ApiOperation({
    summary: 'Undo a dispense: a correction event, within 10 days, by the pharmacist who dispensed',
  })
  undo(@Param('dispenseId') dispenseId: string, @CurrentPrincipal() principal: Principal) {
    return this.dispenses.undo(dispenseId, principal);
  }

  @Post('administrations')
  @Roles('clinician')
  @ApiOperation({ summary: 'Administration to the patient the pack was dispensed to' })
  administer(@Body() dto: CreateAdministrationDto, @CurrentPrincipal() principal: Principal) {
    return this.dispenses.administer(dto, principal);
  }
}
