import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsGtin, IsLot } from '@trace/http';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

const CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
const DOCUMENT_NO = /^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$/;
/** GS1 AI 21 / AI 10: up to 20 characters of the GS1 character set 82. */
const GS1_TEXT = /^[!"%-?A-Z_a-z]{1,20}$/;

export class DeclaredItemDto {
  @ApiPropertyOptional({
    example: 'LC-APP-2026-002',
    description: "The approval this item draws on, when not the declaration's",
  })
  @IsOptional()
  @Matches(DOCUMENT_NO, { message: '$property must be an approval number' })
  approvalNo?: string;

  @ApiProperty({ example: '00300123450011' })
  @IsGtin()
  gtin!: string;

  @ApiProperty({ example: 'LOT-2026-01' })
  @IsLot()
  lot!: string;

  @ApiProperty({ example: '2028-06-30' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  expiry!: string;

  @ApiProperty({ type: [String], example: ['SN0001', 'SN0002'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @Matches(GS1_TEXT, { each: true, message: 'each serial must be 1-20 GS1 characters (AI 21)' })
  serials!: string[];
}

export class CreateImportDto {
  @ApiProperty({ example: 'HK2026-000123' })
  @Matches(DOCUMENT_NO, { message: '$property must be a declaration number' })
  declarationNo!: string;

  @ApiProperty({ example: 'LC-APP-2026-001' })
  @Matches(DOCUMENT_NO, { message: '$property must be an approval number' })
  approvalNo!: string;

  @ApiProperty({ example: 'IMP-LECHENG' })
  @IsString()
  @Matches(CODE, { message: '$property must be an organisation code' })
  @MaxLength(32)
  importerCode!: string;

  @ApiProperty({ type: [DeclaredItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => DeclaredItemDto)
  items!: DeclaredItemDto[];
}

export class CustomsReleaseDto {
  @ApiProperty({ example: 'HK2026-000123' })
  @Matches(DOCUMENT_NO, { message: '$property must be a declaration number' })
  declarationNo!: string;
}
