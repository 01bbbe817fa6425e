import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, OVERSIGHT_ROLES, Principal, Roles } from '@trace/auth';
import { IsGtin, IsLot, ProblemException } from '@trace/http';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { RecallService } from './recall.service';

export class CreateRecallDto {
  @ApiProperty({ example: '09506000134352' })
  @IsGtin()
  gtin!: string;

  @ApiProperty({ example: 'L2026A', description: 'GS1 AI (10): up to 20 characters' })
  @IsLot()
  lot!: string;

  @ApiProperty({ enum: ['I', 'II', 'III'] })
  @IsIn(['I', 'II', 'III'])
  recallClass!: 'I' | 'II' | 'III';

  @ApiProperty({ example: 'particulate matter found in vials of this lot' })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

export class RecallListQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsGtin()
  gtin?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLot()
  lot?: string;
}

@ApiTags('regulator')
@ApiBearerAuth()
@Controller('v1/recalls')
export class RecallsController {
  constructor(private readonly recalls: RecallService) {}

  @Post()
  @Roles('regulator')
  @ApiOperation({
    summary: 'Recall a lot: every non-terminal pack becomes RECALLED through the ledger',
  })
  create(@Body() dto: CreateRecallDto, @CurrentPrincipal() principal: Principal) {
    return this.recalls.create(dto, principal);
  }

  @Get()
  @Roles(...OVERSIGHT_ROLES)
  list(@Query() q: RecallListQuery) {
    return this.recalls.list(q);
  }

  @Get(':recallId')
  @Roles(...OVERSIGHT_ROLES)
  @ApiOperation({ summary: 'A recall: affected patients and outstanding packs by location' })
  find(@Param('recallId') recallId: string) {
    return this.recalls.find(recallId);
  }

  @Delete(':recallId')
  @Roles('regulator')
  @ApiOperation({ summary: 'Refused: a recall cannot be undone (BATCH_RECALL_IRREVERSIBLE)' })
  async withdraw(@Param('recallId') recallId: string): Promise<never> {
    await this.recalls.find(recallId); // an unknown recall is a 404, not a 409
    throw new ProblemException(
      'BATCH_RECALL_IRREVERSIBLE',
      'A recall cannot be withdrawn; packs found fit for use are handled one by one by inspection',
    );
  }
}
