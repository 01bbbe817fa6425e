import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

const MAX_SCANS = 20_000;

/** Scans of packs, cases or pallets. */
class Scans {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCANS)
  @IsString({ each: true })
  @MaxLength(3200, { each: true })
  scans!: string[];
}

export class CreateHoldDto extends Scans {
  @ApiProperty({ example: 'suspected counterfeit: print quality' })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class CreateDestructionDto extends Scans {
  @ApiProperty({ example: 'expired stock' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiProperty({ description: 'Who destroys the packs', example: 'wang.li' })
  @IsString()
  @Length(1, 100)
  executor!: string;

  @ApiProperty({ description: 'Who witnesses it (another person)', example: 'chen.mei' })
  @IsString()
  @Length(1, 100)
  supervisor!: string;
}

export class CreateReExportDto extends Scans {
  @ApiPropertyOptional({ example: 'returned to the manufacturer in Basel' })
  @IsOptional()
  @IsString()
  @Length(3, 500)
  reason?: string;
}

export class StockCountDto extends Scans {
  @ApiProperty({ example: 'BW-LECHENG-AMB' })
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be a location code' })
  locationCode!: string;
}

export class TraceCodeAssociationDto {
  @ApiProperty({ description: 'The pack as scanned (its GS1 code)' })
  @IsString()
  @MaxLength(3200)
  scan!: string;

  @ApiProperty({
    example: '81234567890123456789',
    description: 'The 20-digit Chinese trace code applied',
  })
  @Matches(/^8\d{19}$/, { message: '$property must be a 20-digit Chinese trace code' })
  cnCode!: string;
}

export class TraceCodesDto {
  @ApiProperty({ type: [TraceCodeAssociationDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCANS)
  @ValidateNested({ each: true })
  @Type(() => TraceCodeAssociationDto)
  associations!: TraceCodeAssociationDto[];
}
