import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { ROLES } from '@trace/domain';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { CustodyService } from './custody.service';

export class CustodyQuery {
  @ApiPropertyOptional({ description: 'Attach each entry’s receipt and the signed checkpoint' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  proof?: boolean;
}

@ApiTags('regulator')
@ApiBearerAuth()
@Controller('v1/units')
export class CustodyController {
  constructor(private readonly custody: CustodyService) {}

  @Get(':gtin/:serial/custody')
  @Roles(...ROLES)
  @ApiOperation({
    summary: 'Chain of custody of one pack, oldest first; with proof=true, checkable offline',
    description:
      'Regulators and auditors read any pack, with refused attempts; an organisation reads the ' +
      'packs it holds or receives. Check a saved answer with `npm run cli -- verify-receipt ' +
      '<file> --key <vkey>`.',
  })
  read(
    @Param('gtin') gtin: string,
    @Param('serial') serial: string,
    @Query() q: CustodyQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.custody.custody(gtin, serial, principal, q.proof === true);
  }
}
