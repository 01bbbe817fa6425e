/** Organisation types and roles of api.md, and which roles a user of each type may hold. */
export const ORGANISATION_TYPES = [
  'REGULATOR',
  'IMPORTER',
  'CUSTOMS',
  'BONDED_WAREHOUSE',
  'HOSPITAL',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const ROLES = [
  'admin',
  'regulator',
  'auditor',
  'importer',
  'customs_officer',
  'warehouse_operator',
  'pharmacist',
  'clinician',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * A role is only meaningful for an organisation of the right kind: a hospital cannot issue
 * approvals by putting `regulator` in a token. Admins operate the platform for the regulator.
 */
const ROLE_ORGANISATION_TYPES: Record<Role, readonly OrganisationType[]> = {
  admin: ['REGULATOR'],
  regulator: ['REGULATOR'],
  auditor: ['REGULATOR'],
  importer: ['IMPORTER'],
  customs_officer: ['CUSTOMS'],
  warehouse_operator: ['BONDED_WAREHOUSE'],
  pharmacist: ['HOSPITAL'],
  clinician: ['HOSPITAL'],
};

export function roleFitsOrganisation(role: Role, type: OrganisationType): boolean {
  return ROLE_ORGANISATION_TYPES[role].includes(type);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Organisation types that hold physical locations (ports, warehouses, pharmacies, wards). */
export const LOCATION_HOLDER_TYPES: readonly OrganisationType[] = [
  'IMPORTER',
  'CUSTOMS',
  'BONDED_WAREHOUSE',
  'HOSPITAL',
];
