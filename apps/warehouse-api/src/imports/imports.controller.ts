import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OVERSIGHT_ROLES, Principal, Roles } from '@trace/auth';
import { CreateImportDto, CustomsReleaseDto } from './imports.dto';
import { ImportDeclarationService } from './import-declaration.service';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('v1')
export class ImportsController {
  constructor(private readonly declarations: ImportDeclarationService) {}

  @Post('imports')
  @Roles('importer')
  @ApiOperation({
    summary: 'Declare an import against an approval: its packs become ANNOUNCED (all or nothing)',
  })
  declare(@Body() dto: CreateImportDto, @CurrentPrincipal() principal: Principal) {
    return this.declarations.declare(dto, principal);
  }

  @Get('imports/:declarationNo')
  @Roles('importer', 'customs_officer', 'warehouse_operator', ...OVERSIGHT_ROLES)
  @ApiOperation({ summary: 'A declaration and where customs stands with it' })
  find(@Param('declarationNo') declarationNo: string, @CurrentPrincipal() principal: Principal) {
    return this.declarations.find(declarationNo, principal);
  }

  @Post('imports/:declarationNo/arrival')
  @HttpCode(200)
  @Roles('importer', 'customs_officer')
  @ApiOperation({ summary: 'The declared packs arrived at the port: AT_PORT (all or nothing)' })
  arrive(@Param('declarationNo') declarationNo: string, @CurrentPrincipal() principal: Principal) {
    return this.declarations.arrive(declarationNo, principal);
  }

  @Post('customs-releases')
  @HttpCode(200)
  @Roles('customs_officer')
  @ApiOperation({ summary: 'Customs releases an arrived declaration (recorded for every pack)' })
  release(@Body() dto: CustomsReleaseDto, @CurrentPrincipal() principal: Principal) {
    return this.declarations.release(dto.declarationNo, principal);
  }
}
