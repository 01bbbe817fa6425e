import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsGtin } from '@trace/http';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class TakeOutDto {
  @ApiProperty({ example: 28, description: 'Days of supply the patient takes out of the zone' })
  @IsInt()
  @Min(1)
  @Max(366)
  days!: number;

  @ApiPropertyOptional({
    description: "The prescriber's reason for a refill earlier than the previous supply lasts",
  })
  @IsOptional()
  @IsString()
  @Length(3, 500)
  overrideReason?: string;
}

export class CreatePrescriptionDto {
  @ApiProperty({ example: 'pt-0123456789abcdef0123456789abcdef' })
  @Matches(/^pt-[0-9a-f]{32}$/, { message: '$property must be a patient reference' })
  patientRef!: string;

  @ApiProperty({ example: 'LC-APP-2026-001' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$/, {
    message: '$property must be an approval number',
  })
  approvalNo!: string;

  @ApiProperty({ example: '00300123450011' })
  @IsGtin()
  gtin!: string;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;

  @ApiProperty({ example: 'non-small-cell lung cancer' })
  @IsString()
  @Length(1, 200)
  indication!: string;

  @ApiProperty({ example: 'dr.zhang' })
  @IsString()
  @Length(1, 100)
  prescriber!: string;

  @ApiPropertyOptional({ type: TakeOutDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TakeOutDto)
  takeOut?: TakeOutDto;
}
