import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';

export class InspectionDto {
  @ApiPropertyOptional({ description: 'Inspect every pack of the declaration awaiting it' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$/, {
    message: '$property must be a declaration number',
  })
  declarationNo?: string;

  @ApiPropertyOptional({ type: [String], description: 'Packs, cases or pallets as scanned' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20_000)
  @IsString({ each: true })
  @MaxLength(3200, { each: true })
  scans?: string[];

  @ApiProperty({ enum: ['CONFORMANT', 'NON_CONFORMANT'] })
  @IsIn(['CONFORMANT', 'NON_CONFORMANT'])
  result!: 'CONFORMANT' | 'NON_CONFORMANT';

  @ApiPropertyOptional({ example: 'seal broken on two cases' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
