import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class SensorReadingDto {
  @ApiProperty({ example: '2026-06-02T03:00:00+08:00' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/T.*(Z|[+-]\d{2}:\d{2})$/, { message: '$property must carry a time and an offset' })
  time!: string;

  @ApiProperty({ example: 5.1 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-100)
  @Max(100)
  temperatureC!: number;
}

export class SensorReadingsDto {
  @ApiPropertyOptional({ example: 'BW-LECHENG-COLD', description: 'A store: every pack in it' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be a location code' })
  locationCode?: string;

  @ApiPropertyOptional({ description: 'SSCC (scan) of a pallet or case: the packs in it' })
  @IsOptional()
  @IsString()
  @MaxLength(3200)
  parent?: string;

  @ApiProperty({ type: [SensorReadingDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => SensorReadingDto)
  readings!: SensorReadingDto[];
}
