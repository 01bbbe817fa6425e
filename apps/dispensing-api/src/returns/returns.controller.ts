import { Body, Controller, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import { ReturnService } from './return.service';

export class CreateReturnDto {
  @ApiProperty({ type: [String], description: 'Packs, cases or pallets as scanned' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(3200, { each: true })
  scans!: string[];

  @ApiProperty({ example: 'unused, returned by the patient' })
  @IsString()
  @Length(1, 500)
  reason!: string;

  @ApiPropertyOptional({
    description:
      'Organisation the packs go back to; by default, the one that shipped each pack here',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  destinationCode?: string;
}

@ApiTags('returns')
@ApiBearerAuth()
@Controller('v1/returns')
export class ReturnsController {
  constructor(private readonly returns: ReturnService) {}

  @Post()
  @Roles('pharmacist')
  @ApiOperation({
    summary: 'Return packs from this hospital to their shipper (or a named organisation)',
    description:
      'All or nothing: every pack must be in this hospital’s custody and returnable (in stock, ' +
      'dispensed but unused, held, recalled, expired or damaged). Packs become RETURNED, in ' +
      'transit back; custody passes when the destination receives them.',
  })
  create(@Body() dto: CreateReturnDto, @CurrentPrincipal() principal: Principal) {
    return this.returns.create(dto, principal);
  }
}
