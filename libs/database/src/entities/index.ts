import { ApprovalEntity } from './approval.entity';
import { LocationEntity } from './location.entity';
import { OrganisationEntity } from './organisation.entity';
import { ProductEntity } from './product.entity';

export * from './approval.entity';
export * from './location.entity';
export * from './organisation.entity';
export * from './product.entity';

/** Listed explicitly: globs break under bundlers and hide what the schema holds. */
export const ENTITIES = [OrganisationEntity, LocationEntity, ProductEntity, ApprovalEntity];
