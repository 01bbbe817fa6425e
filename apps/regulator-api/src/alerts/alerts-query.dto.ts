import { ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '@trace/domain';
import { IsGtin, IsIsoInstant, IsLot, PageQuery } from '@trace/http';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ALERT_KINDS, AlertKind } from './alert-query';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

export class AlertsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: AlertKind;

  @ApiPropertyOptional({
    enum: CODES,
    description: 'The refusal code (EXPIRED, RECALLED, DUPLICATE_CODE_USE, …)',
  })
  @IsOptional()
  @IsIn(CODES)
  code?: ErrorCode;

  @ApiPropertyOptional({
    description: 'Who attempted it, whose store it was, or the hospital that prescribed',
  })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be an organisation code' })
  organisationCode?: string;

  @ApiPropertyOptional({ example: '09506000134352' })
  @IsOptional()
  @IsGtin()
  gtin?: string;

  @ApiPropertyOptional({ description: 'Needs gtin (a lot number is unique within its product)' })
  @IsOptional()
  @IsLot()
  lot?: string;

  @ApiPropertyOptional({ description: 'At or after (ISO 8601 date or date-time with offset)' })
  @IsOptional()
  @IsIsoInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Before (ISO 8601 date or date-time with offset)' })
  @IsOptional()
  @IsIsoInstant()
  to?: string;
}
