import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OVERSIGHT_ROLES, Principal, Roles } from '@trace/auth';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CustodyExceptionsService } from './custody-exceptions.service';

export class ExceptionListQuery {
  @ApiPropertyOptional({ enum: ['open', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'all'])
  status?: 'open' | 'all';
}

export class ResolveExceptionDto {
  @IsString()
  @Length(3, 2000)
  resolution!: string;
}

const EXCEPTION_ROLES = [
  'importer',
  'customs_officer',
  'warehouse_operator',
  'pharmacist',
  ...OVERSIGHT_ROLES,
] as const;

@ApiTags('exceptions')
@ApiBearerAuth()
@Controller('v1/exceptions')
export class ExceptionsController {
  constructor(private readonly exceptions: CustodyExceptionsService) {}

  @Get()
  @Roles(...EXCEPTION_ROLES)
  @ApiOperation({ summary: "Exceptions the caller's organisation owns or found, oldest first" })
  list(@Query() q: ExceptionListQuery, @CurrentPrincipal() principal: Principal) {
    return this.exceptions.list(principal, q.status === 'all');
  }

  @Post(':exceptionId/resolve')
  @HttpCode(200)
  @Roles(...EXCEPTION_ROLES)
  @ApiOperation({ summary: 'Resolve an exception (its owner organisation), with the reason kept' })
  resolve(
    @Param('exceptionId') exceptionId: string,
    @Body() dto: ResolveExceptionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.exceptions.resolve(exceptionId, dto.resolution, principal);
  }
}
