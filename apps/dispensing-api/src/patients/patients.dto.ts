import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsString, Length, Matches } from 'class-validator';

export class RegisterPatientDto {
  @ApiProperty({ example: '李华' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: '46000019900101123X', description: 'National ID or passport number' })
  @Matches(/^[0-9A-Za-z -]{5,40}$/, { message: '$property must be an identity document number' })
  nationalId!: string;

  @ApiProperty({ example: '1990-01-01' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  birthDate!: string;
}
