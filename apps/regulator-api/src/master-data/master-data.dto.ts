import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORGANISATION_TYPES, OrganisationType } from '@trace/domain';
import type { ProductKind, ProductRoute } from '@trace/database';
import { IsGtin, PageQuery } from '@trace/http';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

const CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
const CODE_MESSAGE = '$property must be 2-32 upper-case letters, digits, _ or -';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganisationDto {
  @ApiProperty({ example: 'HOSP-RJ' })
  @Matches(CODE, { message: CODE_MESSAGE })
  code: string;

  @ApiProperty({ example: 'Boao Ruijin Hospital' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  @IsIn(ORGANISATION_TYPES)
  type: OrganisationType;
}

export class CreateLocationDto {
  @ApiProperty({ example: 'BW-LECHENG-A' })
  @Matches(CODE, { message: CODE_MESSAGE })
  code: string;

  @ApiProperty({ example: 'BW-LECHENG' })
  @Matches(CODE, { message: CODE_MESSAGE })
  organisationCode: string;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'urn:epc:id:sgln:6901234.00001.0' })
  @IsOptional()
  @Matches(/^urn:epc:id:sgln:\d{6,12}\.\d{0,6}\.[!-~]{1,20}$/, {
    message: '$property must be an SGLN URN (urn:epc:id:sgln:<GCP>.<location ref>.<extension>)',
  })
  sgln?: string;
}

export const PRODUCT_KINDS: ProductKind[] = ['DRUG', 'DEVICE'];
export const PRODUCT_ROUTES: ProductRoute[] = [
  'ORAL',
  'EXTERNAL',
  'SUBCUTANEOUS',
  'INTRAMUSCULAR',
  'INTRAVENOUS',
  'OTHER',
];

export class CreateProductDto {
  @ApiProperty({ example: '09506000134352', description: 'GTIN-8/12/13/14, stored as GTIN-14' })
  @IsGtin()
  gtin: string;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PRODUCT_KINDS })
  @IsIn(PRODUCT_KINDS)
  kind: ProductKind;

  @ApiProperty({ minimum: 6, maximum: 12, description: 'GS1 Company Prefix length' })
  @IsInt()
  @Min(6)
  @Max(12)
  gcpLength: number;

  @ApiProperty({ example: 'solution for injection' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  dosageForm: string;

  @ApiProperty({ enum: PRODUCT_ROUTES })
  @IsIn(PRODUCT_ROUTES)
  route: ProductRoute;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 1, allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(60)
  storageMinC?: number;

  @ApiPropertyOptional({ example: 8 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 1, allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(60)
  storageMaxC?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  implantable?: boolean;
}

export class CreateApprovalDto {
  @ApiProperty({ example: 'HNMPA-2026-0001' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,63}$/, {
    message: '$property must be 2-64 letters, digits, _ . / or -',
  })
  approvalNo: string;

  @ApiProperty()
  @IsGtin()
  gtin: string;

  @ApiProperty({ description: 'The designated medical institution (a HOSPITAL organisation)' })
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode: string;

  @ApiPropertyOptional({ description: 'Pseudonymous patient reference for a per-patient approval' })
  @IsOptional()
  @IsString()
  @Length(8, 128)
  patientRef?: string;

  @ApiProperty({ type: [String], example: ['non-small cell lung cancer'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  indications: string[];

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  quantity: number;

  @ApiProperty({ example: '2026-01-01' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  validFrom: string;

  @ApiProperty({ example: '2026-12-31' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  validTo: string;
}

export class OrganisationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @IsOptional()
  @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;
}

export class LocationListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  organisationCode?: string;
}

export class ApprovalListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsGtin()
  gtin?: string;
}
