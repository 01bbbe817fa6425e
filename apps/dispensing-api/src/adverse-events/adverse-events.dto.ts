import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsGtin, IsLot } from '@trace/http';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export const SEVERITIES = ['MILD', 'MODERATE', 'SEVERE', 'LIFE_THREATENING', 'FATAL'] as const;

export class ReportAdverseEventDto {
  @ApiProperty({ example: 'pt-0123456789abcdef0123456789abcdef' })
  @Matches(/^pt-[0-9a-f]{32}$/, { message: '$property must be a patient reference' })
  patientRef!: string;

  @ApiPropertyOptional({ description: 'The pack as scanned (names product, lot and serial)' })
  @IsOptional()
  @IsString()
  @MaxLength(3200)
  scan?: string;

  @ApiPropertyOptional({ description: 'Without a scan: the product…' })
  @IsOptional()
  @IsGtin()
  gtin?: string;

  @ApiPropertyOptional({ description: '…and, when known, the lot' })
  @IsOptional()
  @IsLot()
  lot?: string;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: (typeof SEVERITIES)[number];

  @ApiProperty({ example: 'rash and fever two hours after the infusion' })
  @IsString()
  @Length(3, 4000)
  description!: string;
}
