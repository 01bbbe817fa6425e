import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';

export class CreateShipmentDto {
  @ApiProperty({ example: 'HOSP-RUIJIN', description: 'The designated hospital' })
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be an organisation code' })
  destinationCode!: string;

  @ApiProperty({ example: 'LC-APP-2026-001' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$/, {
    message: '$property must be an approval number',
  })
  approvalNo!: string;

  @ApiProperty({ type: [String], description: 'Packs, cases or pallets as scanned' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(3200, { each: true })
  scans!: string[];
}
