import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** Longest text a scanner sends for one symbol. */
const MAX_SCAN_LENGTH = 3200;
/** A pallet of 5,000 packs is one aggregation; a receipt may hold several. */
const MAX_PACKS = 20_000;

export class AggregationDto {
  @ApiProperty({
    description: 'SSCC scan of the case or pallet',
    example: '(00)069012340000000017',
  })
  @IsString()
  @MaxLength(MAX_SCAN_LENGTH)
  parent!: string;

  @ApiProperty({ type: [String], description: 'Scans of the packs inside it' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PACKS)
  @IsString({ each: true })
  @MaxLength(MAX_SCAN_LENGTH, { each: true })
  children!: string[];
}

export class CreateReceiptDto {
  @ApiProperty({ example: 'HK2026-000123' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$/, {
    message: '$property must be a declaration number',
  })
  declarationNo!: string;

  @ApiProperty({ example: 'BW-LECHENG-AMB' })
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be a location code' })
  locationCode!: string;

  @ApiProperty({
    type: [String],
    description:
      'Packs, cases and pallets (SSCC) as scanned; a case or pallet stands for its packs',
  })
  @IsArray()
  @ArrayMaxSize(MAX_PACKS)
  @IsString({ each: true })
  @MaxLength(MAX_SCAN_LENGTH, { each: true })
  scans!: string[];

  @ApiPropertyOptional({ type: [AggregationDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AggregationDto)
  aggregations?: AggregationDto[];

  @ApiPropertyOptional({
    description:
      'More deliveries of this declaration will follow: packs not scanned yet are reported as ' +
      'missing but open no exception',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  partial?: boolean;

  @ApiPropertyOptional({ description: 'Temperature measured at receipt, °C', example: 5.2 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-100)
  @Max(100)
  temperatureC?: number;
}
