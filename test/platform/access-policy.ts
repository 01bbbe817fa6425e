import { ROLES, type Role } from '@trace/domain';

/**
 * Who may call what, across the five services: the access matrix of issue 7, written from
 * api.md and domain.md §1-2 — not from the code's @Roles — so that the end-to-end test
 * (access-matrix.e2e-spec.ts) can hold the code to it. Every route a running service mounts
 * must have a row here or be named infrastructure below; the test fails otherwise.
 *
 * Reading the matrix: ✓ the role gets a business answer (2xx, or a 4xx about the request
 * itself) for its own organisation's data; · the role gets 403 whatever it sends, a problem
 * document that says nothing about other organisations' data. `public` rows need no token.
 * Rows with ✓ for a non-oversight role are still scoped to the caller's organisation; the
 * scope cells of the test check that (another organisation's object answers exactly as one
 * that does not exist).
 *
 * Principles (api.md "Everywhere", domain.md §1):
 * - A user acts only for the organisation in its token, of a type its role belongs to.
 * - Oversight (admin, regulator, auditor: the REGULATOR organisation) reads everything and
 *   writes nothing but approvals and recalls — plus, for admin and regulator, master data
 *   (api.md: "Master data (regulator-api; `admin` or `regulator`)", approvals included), and
 *   for the regulator alone recalls and product suspensions (domain.md §1: the regulator
 *   writes approvals, designation, recalls, suspensions). Admin never recalls.
 * - Importers write declarations; customs clears them; bonded-warehouse operators receive,
 *   store, count, ship, destroy, re-export; hospitals (pharmacist, clinician) receive,
 *   prescribe, dispense, administer, return and report — each only for its own organisation.
 * - A hospital reads only its own units, patients and stock; an importer its declarations.
 * - Patients' personal data stays with the hospital that registered them (domain.md §1
 *   [design]): oversight reaches patients through the pseudonymous look-back, not the vault.
 */

/** Column order of the matrix. */
export const MATRIX_ROLES: readonly Role[] = ROLES;

export type AppName =
  'ingest-api' | 'warehouse-api' | 'dispensing-api' | 'regulator-api' | 'ledger-writer';

export interface PolicyRow {
  app: AppName;
  method: string;
  /** As Express mounts it: `/v1/units/:gtin/:serial/custody`. */
  path: string;
  /** `public`, or the roles that get past the door (the rest get 403). */
  allow: 'public' | readonly Role[];
  why: string;
}

/**
 * Columns: admin, regulator, auditor (REGULATOR organisation), importer (IMPORTER),
 * customs_officer (CUSTOMS), warehouse_operator (BONDED_WAREHOUSE), pharmacist and
 * clinician (HOSPITAL).
 */
const MATRIX = `
app            method  path                                        adm reg aud imp cus war pha cli  why
ingest-api     POST    /v1/scans/parse                              ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   a parser: no data, for every scanning screen
ingest-api     POST    /v1/scans                                    ·   ·   ·   ✓   ✓   ✓   ✓   ✓   those who handle packs, at their own locations
ingest-api     POST    /epcis/capture                               ·   ·   ·   ✓   ✓   ✓   ✓   ✓   partners' systems report what they did; oversight writes no events
ingest-api     OPTIONS /epcis/capture                              public                          GS1 REST binding: capture limits for any client
ingest-api     GET     /epcis/capture/:captureId                    ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   own captures (another's is unknown); oversight all
ingest-api     GET     /v1/captures/:captureId                      ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   own captures (another's is unknown); oversight all

warehouse-api  POST    /v1/imports                                  ·   ·   ·   ✓   ·   ·   ·   ·   the importer declares, for itself only
warehouse-api  GET     /v1/imports/:declarationNo                   ✓   ✓   ✓   ✓   ✓   ✓   ·   ·   importers their own; customs and warehouses work every declaration
warehouse-api  POST    /v1/imports/:declarationNo/arrival           ·   ·   ·   ✓   ✓   ·   ·   ·   README: importer (own), customs
warehouse-api  POST    /v1/receipts                                 ·   ·   ·   ·   ·   ✓   ·   ·   README: warehouse operator
warehouse-api  POST    /v1/inspections                              ·   ·   ·   ·   ✓   ✓   ·   ·   README: customs, warehouse operator
warehouse-api  POST    /v1/customs-releases                         ·   ·   ·   ·   ✓   ·   ·   ·   api.md: customs_officer
warehouse-api  POST    /v1/sensor-readings                          ·   ·   ·   ·   ·   ✓   ·   ·   README: warehouse operator
warehouse-api  POST    /v1/shipments                                ·   ·   ·   ·   ·   ✓   ·   ·   README: warehouse operator, own stock only
warehouse-api  POST    /v1/shipments/:shipmentId/void               ·   ·   ·   ·   ·   ✓   ·   ·   README: warehouse operator, own shipments only
warehouse-api  POST    /v1/holds                                    ·   ·   ·   ·   ·   ✓   ·   ·   README: stock control is the warehouse's
warehouse-api  POST    /v1/holds/:holdId/release                    ·   ·   ·   ·   ·   ✓   ·   ·   README: stock control is the warehouse's
warehouse-api  POST    /v1/destructions                             ·   ·   ·   ·   ·   ✓   ·   ·   README: stock control is the warehouse's
warehouse-api  POST    /v1/re-exports                               ·   ·   ·   ·   ·   ✓   ·   ·   README: stock control is the warehouse's
warehouse-api  POST    /v1/stock-counts                             ·   ·   ·   ·   ·   ✓   ·   ·   README: stock control is the warehouse's
warehouse-api  POST    /v1/trace-codes                              ·   ·   ·   ·   ·   ✓   ·   ·   README: stock control is the warehouse's
warehouse-api  GET     /v1/exceptions                               ✓   ✓   ✓   ✓   ✓   ✓   ✓   ·   the organisations concerned (owner or finder; in a hospital, the pharmacy); oversight all
warehouse-api  POST    /v1/exceptions/:exceptionId/resolve          ·   ·   ·   ✓   ✓   ✓   ✓   ·   the owner organisation; oversight writes nothing here

dispensing-api POST    /v1/receipts                                 ·   ·   ·   ·   ·   ·   ✓   ·   the pharmacy receives shipments to its hospital
dispensing-api POST    /v1/patients                                 ·   ·   ·   ·   ·   ·   ✓   ✓   hospital staff register their patients
dispensing-api GET     /v1/patients/:patientRef                     ·   ·   ·   ·   ·   ·   ✓   ✓   own patients; personal data never leaves the hospital
dispensing-api DELETE  /v1/patients/:patientRef                     ·   ·   ·   ·   ·   ·   ✓   ✓   own patients: erasure
dispensing-api POST    /v1/prescriptions                            ·   ·   ·   ·   ·   ·   ✓   ✓   hospital staff, against their own institution's approvals
dispensing-api POST    /v1/dispenses                                ·   ·   ·   ·   ·   ·   ✓   ·   the pharmacist dispenses
dispensing-api POST    /v1/dispenses/:dispenseId/undo               ·   ·   ·   ·   ·   ·   ✓   ·   the pharmacist who dispensed (own hospital's dispenses)
dispensing-api POST    /v1/administrations                          ·   ·   ·   ·   ·   ·   ·   ✓   at the bedside
dispensing-api POST    /v1/returns                                  ·   ·   ·   ·   ·   ·   ✓   ·   the pharmacy returns its own stock
dispensing-api POST    /v1/adverse-events                           ·   ·   ·   ·   ·   ·   ✓   ✓   hospital staff report
dispensing-api GET     /v1/verify                                   ·   ·   ·   ·   ·   ·   ✓   ✓   the counter's check; another's pack is named, without details
dispensing-api GET     /v1/exceptions                               ✓   ✓   ✓   ✓   ✓   ✓   ✓   ·   as on warehouse-api (the same library)
dispensing-api POST    /v1/exceptions/:exceptionId/resolve          ·   ·   ·   ✓   ✓   ✓   ✓   ·   as on warehouse-api (the same library)

regulator-api  POST    /v1/organisations                            ✓   ✓   ·   ·   ·   ·   ·   ·   api.md: master data, admin or regulator
regulator-api  GET     /v1/organisations                            ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   reference data every participant scans and ships with
regulator-api  GET     /v1/organisations/:code                      ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   reference data
regulator-api  POST    /v1/locations                                ✓   ✓   ·   ·   ·   ·   ·   ·   api.md: master data, admin or regulator
regulator-api  GET     /v1/locations                                ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   reference data
regulator-api  GET     /v1/locations/:code                          ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   reference data
regulator-api  POST    /v1/products                                 ✓   ✓   ·   ·   ·   ·   ·   ·   api.md: master data, admin or regulator
regulator-api  GET     /v1/products                                 ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   reference data (GCP length, storage range)
regulator-api  GET     /v1/products/:gtin                           ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   reference data
regulator-api  POST    /v1/approvals                                ✓   ✓   ·   ·   ·   ·   ·   ·   api.md: master data (admin or regulator); domain.md: the regulator
regulator-api  GET     /v1/approvals                                ✓   ✓   ✓   ·   ·   ·   ✓   ✓   hospitals their own; the list is no trading partner's business
regulator-api  GET     /v1/approvals/:approvalNo                    ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   goods move under it; a hospital reads only its own
regulator-api  GET     /v1/ledger/checkpoint                       public                          api.md: no auth
regulator-api  GET     /v1/ledger/key                              public                          api.md: no auth
regulator-api  GET     /v1/ledger/checkpoints/:treeSize            public                          signed checkpoints: anyone checks the log
regulator-api  GET     /v1/ledger/entries/:index                    ✓   ✓   ✓   ·   ·   ·   ·   ·   entries hold every organisation's events
regulator-api  GET     /v1/ledger/proofs/inclusion                  ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   hashes only: whoever holds a receipt checks it
regulator-api  GET     /v1/ledger/proofs/consistency                ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   hashes only
regulator-api  GET     /v1/ledger/entries/:index/receipt            ✓   ✓   ✓   ·   ·   ·   ·   ·   an entry's bytes: oversight
regulator-api  GET     /v1/units/:gtin/:serial/custody              ✓   ✓   ✓   ✓   ·   ✓   ✓   ✓   packs the caller holds or receives; customs holds none
regulator-api  GET     /v1/lots/:gtin/:lot/patients                 ✓   ✓   ✓   ·   ·   ·   ·   ·   domain.md §5.2: the regulators' look-back
regulator-api  GET     /v1/lots/:gtin/:lot/board                    ✓   ✓   ✓   ·   ·   ·   ·   ·   domain.md §5.3: every custodian's packs
regulator-api  POST    /v1/recalls                                  ·   ✓   ·   ·   ·   ·   ·   ·   only the regulator recalls
regulator-api  GET     /v1/recalls                                  ✓   ✓   ✓   ·   ·   ·   ·   ·   oversight reads
regulator-api  GET     /v1/recalls/:recallId                        ✓   ✓   ✓   ·   ·   ·   ·   ·   patients and every custodian's packs
regulator-api  DELETE  /v1/recalls/:recallId                        ·   ✓   ·   ·   ·   ·   ·   ·   the regulator's (always refused: irreversible)
regulator-api  POST    /v1/products/:gtin/suspension                ·   ✓   ·   ·   ·   ·   ·   ·   domain.md §1: the regulator suspends
regulator-api  DELETE  /v1/products/:gtin/suspension                ·   ✓   ·   ·   ·   ·   ·   ·   and lifts
regulator-api  GET     /v1/products/:gtin/suspensions               ✓   ✓   ✓   ·   ·   ·   ·   ·   oversight reads
regulator-api  GET     /epcis/events                                ·   ✓   ✓   ·   ·   ·   ·   ·   every organisation's events: regulators and auditors (admin: the query owner's choice)
regulator-api  GET     /epcis/events/:eventID                       ·   ✓   ✓   ·   ·   ·   ·   ·   as /epcis/events
regulator-api  GET     /v1/stock                                    ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   everyone its own stock; oversight every organisation's
regulator-api  GET     /v1/exceptions                               ✓   ✓   ✓   ✓   ✓   ✓   ✓   ·   owner or finder; oversight all (read-only here)
regulator-api  GET     /v1/alerts                                   ✓   ✓   ✓   ·   ·   ·   ·   ·   what does not add up, across organisations: oversight
`;

function parseMatrix(text: string): PolicyRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(1).map((line) => {
    const [app, method, path, ...rest] = line.trim().split(/\s+/);
    if (rest[0] === 'public') {
      return { app: app as AppName, method, path, allow: 'public', why: rest.slice(1).join(' ') };
    }
    const marks = rest.slice(0, MATRIX_ROLES.length);
    if (!marks.every((m) => m === '✓' || m === '·')) {
      throw new Error(`access policy row "${line.trim()}" needs ${MATRIX_ROLES.length} marks`);
    }
    return {
      app: app as AppName,
      method,
      path,
      allow: MATRIX_ROLES.filter((_, i) => marks[i] === '✓'),
      why: rest.slice(MATRIX_ROLES.length).join(' '),
    };
  });
}

export const ACCESS_POLICY: readonly PolicyRow[] = parseMatrix(MATRIX);

export const routeKey = (app: string, method: string, path: string) => `${app} ${method} ${path}`;

/**
 * Mounted paths that are not business endpoints, left out of the matrix on purpose; the test
 * still checks that each answers as documented (api.md "Everywhere", README).
 */
export interface InfrastructureRoute {
  /** An exact path, or a prefix ending in `/`. */
  path: string;
  access: 'public' | 'admin';
  why: string;
}

export const INFRASTRUCTURE: readonly InfrastructureRoute[] = [
  { path: '/health/live', access: 'public', why: 'liveness probe: orchestrators have no token' },
  { path: '/health/ready', access: 'public', why: 'readiness probe: database, Redis, backlog' },
  { path: '/metrics', access: 'public', why: 'Prometheus scrape: counters, no business data' },
  { path: '/docs', access: 'public', why: 'Swagger UI on every service (api.md)' },
  { path: '/docs/', access: 'public', why: "Swagger UI's page and assets" },
  { path: '/docs-json', access: 'public', why: 'the OpenAPI document (api.md)' },
  { path: '/docs-yaml', access: 'public', why: 'the OpenAPI document, as YAML' },
  {
    path: '/admin/queues',
    access: 'admin',
    why: 'Bull Board (README): Express middleware outside the guard, gated for admins',
  },
];

export function infrastructureOf(path: string): InfrastructureRoute | undefined {
  return INFRASTRUCTURE.find((i) =>
    i.path.endsWith('/') ? path.startsWith(i.path) : path === i.path,
  );
}

/**
 * Cells where the code disagrees with the policy and the fix belongs to code another change
 * owns (reported, not fixed here). The test asserts today's behaviour for them, so the fix
 * turns the test red until the entry is removed.
 */
export interface ReportedDeviation {
  app: AppName;
  method: string;
  path: string;
  roles: readonly Role[];
  today: string;
}

export const REPORTED_DEVIATIONS: readonly ReportedDeviation[] = [];

export function deviationOf(app: string, method: string, path: string, role: Role) {
  return REPORTED_DEVIATIONS.find(
    (d) => d.app === app && d.method === method && d.path === path && d.roles.includes(role),
  );
}
