import { ApiPropertyOptional } from '@nestjs/swagger';
import { UNIT_STATES, UnitState } from '@trace/domain';
import { IsGtin, IsLot, PageQuery } from '@trace/http';
import { IsIn, IsOptional, Matches } from 'class-validator';

const CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;

export class StockQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'BW-LECHENG-COLD' })
  @IsOptional()
  @Matches(CODE, { message: '$property must be a location code' })
  locationCode?: string;

  @ApiPropertyOptional({ example: '09506000134352', description: 'GTIN-8/12/13/14' })
  @IsOptional()
  @IsGtin()
  gtin?: string;

  @ApiPropertyOptional({ example: 'LOT-2026-01' })
  @IsOptional()
  @IsLot()
  lot?: string;

  @ApiPropertyOptional({
    enum: UNIT_STATES,
    description: 'Default: every state but the terminal ones (administered, destroyed…)',
  })
  @IsOptional()
  @IsIn(UNIT_STATES)
  state?: UnitState;

  @ApiPropertyOptional({ description: 'The organisation holding the units', example: 'HOSP-RJ' })
  @IsOptional()
  @Matches(CODE, { message: '$property must be an organisation code' })
  custodianCode?: string;
}
