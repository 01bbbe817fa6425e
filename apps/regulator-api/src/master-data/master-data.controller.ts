import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  assertMayRead,
  CurrentPrincipal,
  hasOversight,
  OVERSIGHT_ROLES,
  Principal,
  Roles,
} from '@trace/auth';
import { Role, ROLES } from '@trace/domain';
import { PageQuery, ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import {
  ApprovalListQuery,
  CreateApprovalDto,
  CreateLocationDto,
  CreateOrganisationDto,
  CreateProductDto,
  LocationListQuery,
  OrganisationListQuery,
} from './master-data.dto';
import { MasterDataService, toApprovalView } from './master-data.service';

const WRITERS: Role[] = ['admin', 'regulator'];
/** Reference data every participant needs to scan and move goods. */
const EVERYONE: Role[] = [...ROLES];
const HOSPITAL_ROLES: Role[] = ['pharmacist', 'clinician'];

@ApiTags('master data')
@ApiBearerAuth()
@Controller('v1')
export class MasterDataController {
  constructor(private readonly masterData: MasterDataService) {}

  @Post('organisations')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Register an organisation (409 when the code is taken)' })
  createOrganisation(@Body() dto: CreateOrganisationDto) {
    return this.masterData.createOrganisation(dto);
  }

  @Get('organisations')
  @Roles(...EVERYONE)
  listOrganisations(@Query() q: OrganisationListQuery) {
    return this.masterData.listOrganisations(q.page, q.pageSize, q.type ? { type: q.type } : {});
  }

  @Get('organisations/:code')
  @Roles(...EVERYONE)
  organisation(@Param('code') code: string) {
    return this.masterData.organisation(code);
  }

  @Post('locations')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Register a location of an importer, customs, warehouse or hospital' })
  createLocation(@Body() dto: CreateLocationDto) {
    return this.masterData.createLocation(dto);
  }

  @Get('locations')
  @Roles(...EVERYONE)
  listLocations(@Query() q: LocationListQuery) {
    const where = q.organisationCode ? { organisationCode: q.organisationCode } : {};
    return this.masterData.listLocations(q.page, q.pageSize, where);
  }

  @Get('locations/:code')
  @Roles(...EVERYONE)
  location(@Param('code') code: string) {
    return this.masterData.location(code);
  }

  @Post('products')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Register a licensed product (GTIN check digit verified)' })
  createProduct(@Body() dto: CreateProductDto) {
    return this.masterData.createProduct(dto);
  }

  @Get('products')
  @Roles(...EVERYONE)
  listProducts(@Query() q: PageQuery) {
    return this.masterData.listProducts(q.page, q.pageSize);
  }

  @Get('products/:gtin')
  @Roles(...EVERYONE)
  product(@Param('gtin') gtin: string) {
    return this.masterData.product(gtin);
  }

  @Post('approvals')
  @Roles(...WRITERS)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Approve a product for a designated institution (optionally for one patient)',
  })
  createApproval(@Body() dto: CreateApprovalDto, @CurrentPrincipal() principal: Principal) {
    return this.masterData.createApproval(dto, principal);
  }

  @Get('approvals')
  @Roles(...OVERSIGHT_ROLES, ...HOSPITAL_ROLES)
  @ApiOperation({ summary: 'Approvals; a hospital sees only its own' })
  listApprovals(@Query() q: ApprovalListQuery, @CurrentPrincipal() principal: Principal) {
    let institutionCode = q.institutionCode;
    if (!hasOversight(principal)) {
      if (institutionCode && institutionCode !== principal.org) {
        throw new ProblemException('FORBIDDEN', `You act for ${principal.org} only`);
      }
      institutionCode = principal.org;
    }
    const where = {
      ...(institutionCode ? { institutionCode } : {}),
      ...(q.gtin ? { gtin: normaliseGtin(q.gtin) as string } : {}),
    };
    return this.masterData.listApprovals(q.page, q.pageSize, where);
  }

  @Get('approvals/:approvalNo')
  @Roles(...EVERYONE)
  @ApiOperation({
    summary: 'One approval with used and remaining quantity',
    description:
      'Importers, customs and warehouses read approvals they move goods under; a hospital reads only approvals that name it.',
  })
  async approval(
    @Param('approvalNo') approvalNo: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const isHospital = principal.roles.some((r) => HOSPITAL_ROLES.includes(r));
    const approval = await this.masterData.approval(approvalNo).catch((err: unknown) => {
      // A hospital learns nothing about approvals that are not its own, not even existence.
      if (isHospital && err instanceof ProblemException && err.problem.code === 'NOT_FOUND') {
        throw new ProblemException('FORBIDDEN', `You act for ${principal.org} only`);
      }
      throw err;
    });
    if (isHospital) assertMayRead(principal, approval.institutionCode);
    return toApprovalView(approval);
  }
}
