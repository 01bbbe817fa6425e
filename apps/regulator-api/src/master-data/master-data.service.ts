import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Principal } from '@trace/auth';
import { ApprovalEntity, LocationEntity, OrganisationEntity, ProductEntity } from '@trace/database';
import { LOCATION_HOLDER_TYPES, validateApprovalTerms, validateProductTerms } from '@trace/domain';
import { Page, ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { FindOptionsWhere, ObjectLiteral, QueryFailedError, Repository } from 'typeorm';
import {
  CreateApprovalDto,
  CreateLocationDto,
  CreateOrganisationDto,
  CreateProductDto,
} from './master-data.dto';

export interface ApprovalView {
  approvalNo: string;
  gtin: string;
  institutionCode: string;
  patientRef: string | null;
  indications: string[];
  quantity: number;
  used: number;
  remaining: number;
  validFrom: string;
  validTo: string;
  issuedBy: string;
  createdAt: Date;
}

export function toApprovalView(a: ApprovalEntity): ApprovalView {
  return {
    approvalNo: a.approvalNo,
    gtin: a.gtin,
    institutionCode: a.institutionCode,
    patientRef: a.patientRef,
    indications: a.indications,
    quantity: a.quantity,
    used: a.used,
    remaining: Math.max(0, a.quantity - a.used),
    validFrom: a.validFrom,
    validTo: a.validTo,
    issuedBy: a.issuedBy,
    createdAt: a.createdAt,
  };
}

/** Organisations, locations, products and approvals: the regulator's reference data. */
@Injectable()
export class MasterDataService {
  constructor(
    @InjectRepository(OrganisationEntity)
    private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(LocationEntity) private readonly locations: Repository<LocationEntity>,
    @InjectRepository(ProductEntity) private readonly products: Repository<ProductEntity>,
    @InjectRepository(ApprovalEntity) private readonly approvals: Repository<ApprovalEntity>,
  ) {}

  async createOrganisation(dto: CreateOrganisationDto): Promise<OrganisationEntity> {
    return insertOrConflict(this.organisations, dto, `Organisation ${dto.code}`);
  }

  async createLocation(dto: CreateLocationDto): Promise<LocationEntity> {
    const holder = await this.organisations.findOneBy({ code: dto.organisationCode });
    if (!holder) {
      throw new ProblemException(
        'UNKNOWN_ORGANISATION',
        `Organisation ${dto.organisationCode} is not registered`,
      );
    }
    if (!LOCATION_HOLDER_TYPES.includes(holder.type)) {
      throw new ProblemException(
        'ORGANISATION_TYPE_MISMATCH',
        `A ${holder.type} organisation holds no physical locations`,
      );
    }
    return insertOrConflict(
      this.locations,
      { ...dto, sgln: dto.sgln ?? null },
      `Location ${dto.code}`,
    );
  }

  async createProduct(dto: CreateProductDto): Promise<ProductEntity> {
    const gtin = normaliseGtin(dto.gtin) as string; // validated by @IsGtin
    const refusal = validateProductTerms(dto);
    if (refusal) throw new ProblemException(refusal.code, refusal.detail);
    return insertOrConflict(
      this.products,
      {
        ...dto,
        gtin,
        storageMinC: dto.storageMinC ?? null,
        storageMaxC: dto.storageMaxC ?? null,
        implantable: dto.implantable ?? false,
        status: 'ACTIVE' as const,
      },
      `Product ${gtin}`,
    );
  }

  async createApproval(dto: CreateApprovalDto, issuer: Principal): Promise<ApprovalView> {
    const gtin = normaliseGtin(dto.gtin) as string;
    const product = await this.products.findOneBy({ gtin });
    if (!product)
      throw new ProblemException('UNKNOWN_PRODUCT', `Product ${gtin} is not registered`);
    if (product.status === 'SUSPENDED') {
      throw new ProblemException('PRODUCT_SUSPENDED', `Product ${gtin} is suspended`);
    }
    const institution = await this.organisations.findOneBy({ code: dto.institutionCode });
    if (!institution) {
      throw new ProblemException(
        'UNKNOWN_ORGANISATION',
        `Organisation ${dto.institutionCode} is not registered`,
      );
    }
    if (institution.type !== 'HOSPITAL') {
      throw new ProblemException(
        'NOT_DESIGNATED_INSTITUTION',
        `${dto.institutionCode} is a ${institution.type}, not a medical institution`,
      );
    }
    const refusal = validateApprovalTerms({
      quantity: dto.quantity,
      validFrom: dto.validFrom,
      validTo: dto.validTo,
      indications: dto.indications,
    });
    if (refusal) throw new ProblemException(refusal.code, refusal.detail);
    const saved = await insertOrConflict(
      this.approvals,
      {
        ...dto,
        gtin,
        patientRef: dto.patientRef ?? null,
        indications: dto.indications.map((i) => i.trim()),
        used: 0,
        issuedBy: issuer.sub,
      },
      `Approval ${dto.approvalNo}`,
    );
    return toApprovalView(saved);
  }

  async organisation(code: string) {
    return found(await this.organisations.findOneBy({ code }), `Organisation ${code}`);
  }

  async location(code: string) {
    return found(await this.locations.findOneBy({ code }), `Location ${code}`);
  }

  async product(gtinInput: string) {
    const gtin = normaliseGtin(gtinInput) ?? gtinInput;
    return found(await this.products.findOneBy({ gtin }), `Product ${gtinInput}`);
  }

  async approval(approvalNo: string): Promise<ApprovalEntity> {
    return found(await this.approvals.findOneBy({ approvalNo }), `Approval ${approvalNo}`);
  }

  listOrganisations(page: number, pageSize: number, where: FindOptionsWhere<OrganisationEntity>) {
    return paged(this.organisations, page, pageSize, where, { code: 'ASC' });
  }

  listLocations(page: number, pageSize: number, where: FindOptionsWhere<LocationEntity>) {
    return paged(this.locations, page, pageSize, where, { code: 'ASC' });
  }

  listProducts(page: number, pageSize: number) {
    return paged(this.products, page, pageSize, {}, { gtin: 'ASC' });
  }

  async listApprovals(
    page: number,
    pageSize: number,
    where: FindOptionsWhere<ApprovalEntity>,
  ): Promise<Page<ApprovalView>> {
    const result = await paged(this.approvals, page, pageSize, where, { approvalNo: 'ASC' });
    return { ...result, items: result.items.map(toApprovalView) };
  }
}

function found<T>(value: T | null, what: string): T {
  if (value === null) throw new ProblemException('NOT_FOUND', `${what} not found`);
  return value;
}

async function paged<T extends ObjectLiteral>(
  repo: Repository<T>,
  page: number,
  pageSize: number,
  where: FindOptionsWhere<T>,
  order: Record<string, 'ASC' | 'DESC'>,
): Promise<Page<T>> {
  const [items, total] = await repo.findAndCount({
    where,
    order: order as never,
    skip: (page - 1) * pageSize,
    take: pageSize,
  });
  return { items, page, pageSize, total };
}

/** Plain INSERT (no read first); a taken key answers 409 with a sentence, not a PG detail. */
async function insertOrConflict<T extends ObjectLiteral>(
  repo: Repository<T>,
  row: Partial<T>,
  what: string,
): Promise<T> {
  try {
    const result = await repo.insert(row as never);
    // generatedMaps carries what the database filled in (created_at, defaults).
    return repo.create({ ...row, ...result.generatedMaps[0] } as T);
  } catch (err) {
    const code = (err as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
    if (code === '23505') throw new ProblemException('ALREADY_EXISTS', `${what} already exists`);
    throw err;
  }
}
