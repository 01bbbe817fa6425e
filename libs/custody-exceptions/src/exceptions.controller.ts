import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OVERSIGHT_ROLES, Principal, Roles } from '@trace/auth';
import { IsIsoInstant, PageQuery, ProblemException } from '@trace/http';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CustodyExceptionsService } from './custody-exceptions.service';
import {
  EXCEPTION_STATUSES,
  EXCEPTION_TYPES,
  ExceptionStatus,
  ExceptionType,
} from './exception-filter';

export class ExceptionListQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: EXCEPTION_STATUSES,
    default: 'open',
    description: 'open (overdue included), overdue (open past its deadline), resolved, or all',
  })
  @IsOptional()
  @IsIn(EXCEPTION_STATUSES)
  status?: ExceptionStatus;

  @ApiPropertyOptional({ enum: EXCEPTION_TYPES })
  @IsOptional()
  @IsIn(EXCEPTION_TYPES)
  type?: ExceptionType;

  @ApiPropertyOptional({ description: 'The organisation that must resolve it' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: '$property must be an organisation code' })
  ownerCode?: string;

  @ApiPropertyOptional({ description: 'Opened at or after (ISO 8601 date or time)' })
  @IsOptional()
  @IsIsoInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Opened before (ISO 8601 date or time)' })
  @IsOptional()
  @IsIsoInstant()
  to?: string;
}

export class ResolveExceptionDto {
  @IsString()
  @Length(3, 2000)
  resolution!: string;
}

/** Organisations that hold goods find and resolve exceptions. */
const RESOLVER_ROLES = ['importer', 'customs_officer', 'warehouse_operator', 'pharmacist'] as const;
/** …and oversight reads them all, but resolving is not its work. */
const EXCEPTION_ROLES = [...RESOLVER_ROLES, ...OVERSIGHT_ROLES] as const;

/**
 * Reading exceptions, alone: regulator-api mounts this one, since regulators oversee
 * exceptions but resolving them is the organisations' work.
 */
@ApiTags('exceptions')
@ApiBearerAuth()
@Controller('v1/exceptions')
export class ExceptionListController {
  constructor(protected readonly exceptions: CustodyExceptionsService) {}

  @Get()
  @Roles(...EXCEPTION_ROLES)
  @ApiOperation({
    summary:
      "Exceptions the caller's organisation owns or found (all, for oversight), oldest first",
  })
  list(@Query() q: ExceptionListQuery, @CurrentPrincipal() principal: Principal) {
    const from = q.from === undefined ? undefined : new Date(q.from);
    const to = q.to === undefined ? undefined : new Date(q.to);
    if (from && to && from >= to) {
      throw new ProblemException('VALIDATION_FAILED', 'from must be earlier than to');
    }
    return this.exceptions.list(principal, {
      status: q.status ?? 'open',
      type: q.type,
      ownerCode: q.ownerCode,
      from,
      to,
      page: q.page,
      pageSize: q.pageSize,
    });
  }
}

/** Listing and resolving, for the services whose users resolve exceptions. */
@ApiTags('exceptions')
@ApiBearerAuth()
@Controller('v1/exceptions')
export class ExceptionsController extends ExceptionListController {
  @Post(':exceptionId/resolve')
  @HttpCode(200)
  @Roles(...RESOLVER_ROLES)
  @ApiOperation({ summary: 'Resolve an exception (its owner organisation), with the reason kept' })
  resolve(
    @Param('exceptionId') exceptionId: string,
    @Body() dto: ResolveExceptionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.exceptions.resolve(exceptionId, dto.resolution, principal);
  }
}
