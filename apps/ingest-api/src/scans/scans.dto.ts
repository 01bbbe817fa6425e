import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UNIT_ACTIONS, UnitAction } from '@trace/domain';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';

/** Longest text a scanner sends for one symbol (a DataMatrix holds at most 3,116 digits). */
const MAX_SCAN_LENGTH = 3200;
/** Hard ceiling of the DTO; the configured INGEST_SCAN_BATCH_MAX is checked by the service. */
const MAX_SCANS = 100_000;

export class ParseScansDto {
  @ApiProperty({ example: [']d2010950600013435217280630102604A1\u001d21SN000001'] })
  @IsArray()
  @ArrayMaxSize(MAX_SCANS)
  @IsString({ each: true })
  @MaxLength(MAX_SCAN_LENGTH, { each: true })
  scans!: string[];
}

export class ScanBatchDto {
  @ApiProperty({ example: 'receiving', description: 'CBV 2.0 bizStep short name (or tl: term)' })
  @IsString()
  @Matches(/^(tl:)?[a-z][a-z_]{1,40}$/, { message: '$property must be a CBV bizStep short name' })
  bizStep!: string;

  @ApiProperty({ example: 'BW-LECHENG-AMB' })
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be a location code' })
  locationCode!: string;

  @ApiPropertyOptional({ example: 'in_progress' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z_]{1,40}$/, { message: '$property must be a CBV disposition short name' })
  disposition?: string;

  @ApiPropertyOptional({ example: '2026-06-01T10:00:00+08:00' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/T.*(Z|[+-]\d{2}:\d{2})$/, { message: '$property must carry a time and an offset' })
  eventTime?: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCANS)
  @IsString({ each: true })
  @MaxLength(MAX_SCAN_LENGTH, { each: true })
  scans!: string[];

  @ApiPropertyOptional({ description: 'SSCC (scan) of the case or pallet the packs go into' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SCAN_LENGTH)
  parent?: string;

  @ApiPropertyOptional({
    enum: UNIT_ACTIONS,
    description: 'Which action, where the bizStep and disposition fit several',
  })
  @IsOptional()
  @IsIn(UNIT_ACTIONS)
  action?: UnitAction;
}
