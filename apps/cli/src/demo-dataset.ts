import { gs1CheckDigit } from '@trace/identifiers';

/** A GTIN-14 from a 13-digit body, with its check digit computed (no hand-typed digits). */
const gtin = (body13: string) => body13 + String(gs1CheckDigit(body13));

/**
 * The demo: the zone's regulator, an importer, Haikou customs, the public bonded warehouse,
 * two designated hospitals, licensed products (cold chain, oral, a device, an implantable)
 * and approvals. Names are illustrative.
 */
export const DEMO_ORGANISATIONS = [
  { code: 'REG', name: 'Boao Lecheng Medical & Drug Administration', type: 'REGULATOR' },
  { code: 'IMP-LECHENG', name: 'Lecheng Licensed Medicines Import Co.', type: 'IMPORTER' },
  { code: 'CUS-HAIKOU', name: 'Haikou Customs, Boao office', type: 'CUSTOMS' },
  { code: 'BW-LECHENG', name: 'Lecheng Public Bonded Warehouse', type: 'BONDED_WAREHOUSE' },
  { code: 'HOSP-RUIJIN', name: 'Ruijin Hainan Hospital', type: 'HOSPITAL' },
  { code: 'HOSP-BOAO', name: 'Boao Super Hospital', type: 'HOSPITAL' },
] as const;

export const DEMO_LOCATIONS = [
  { code: 'IMP-LECHENG-HQ', organisationCode: 'IMP-LECHENG', name: 'Importer office', sgln: null },
  {
    code: 'PORT-HAIKOU',
    organisationCode: 'CUS-HAIKOU',
    name: 'Haikou Meilan airport cargo terminal',
    sgln: null,
  },
  {
    code: 'BW-LECHENG-AMB',
    organisationCode: 'BW-LECHENG',
    name: 'Bonded warehouse, ambient zone',
    sgln: 'urn:epc:id:sgln:6901234.00010.0',
  },
  {
    code: 'BW-LECHENG-COLD',
    organisationCode: 'BW-LECHENG',
    name: 'Bonded warehouse, 2-8 °C cold room',
    sgln: 'urn:epc:id:sgln:6901234.00011.0',
  },
  {
    code: 'HOSP-RUIJIN-PHARM',
    organisationCode: 'HOSP-RUIJIN',
    name: 'Ruijin Hainan pharmacy',
    sgln: 'urn:epc:id:sgln:6901234.00020.0',
  },
  {
    code: 'HOSP-RUIJIN-WARD1',
    organisationCode: 'HOSP-RUIJIN',
    name: 'Ruijin Hainan oncology ward',
    sgln: null,
  },
  {
    code: 'HOSP-BOAO-PHARM',
    organisationCode: 'HOSP-BOAO',
    name: 'Boao Super Hospital pharmacy',
    sgln: 'urn:epc:id:sgln:6901234.00030.0',
  },
] as const;

export const DEMO_PRODUCTS = [
  {
    gtin: gtin('0030012345001'),
    name: 'Oncolumab 100 mg/4 mL concentrate for infusion',
    kind: 'DRUG',
    gcpLength: 7,
    dosageForm: 'concentrate for solution for infusion',
    route: 'INTRAVENOUS',
    storageMinC: 2,
    storageMaxC: 8,
    implantable: false,
  },
  {
    gtin: gtin('0030012345002'),
    name: 'Dermaclear 1% cream 30 g',
    kind: 'DRUG',
    gcpLength: 7,
    dosageForm: 'cream',
    route: 'EXTERNAL',
    storageMinC: null,
    storageMaxC: 25,
    implantable: false,
  },
  {
    gtin: gtin('0040056789003'),
    name: 'Lipoxatinib 40 mg film-coated tablets x 30',
    kind: 'DRUG',
    gcpLength: 7,
    dosageForm: 'film-coated tablet',
    route: 'ORAL',
    storageMinC: null,
    storageMaxC: 30,
    implantable: false,
  },
  {
    gtin: gtin('0040056789004'),
    name: 'Glucalin 300 U/mL pre-filled pen',
    kind: 'DRUG',
    gcpLength: 7,
    dosageForm: 'solution for injection in pre-filled pen',
    route: 'SUBCUTANEOUS',
    storageMinC: 2,
    storageMaxC: 8,
    implantable: false,
  },
  {
    gtin: gtin('0050011122005'),
    name: 'Continuous glucose sensor, 14-day',
    kind: 'DEVICE',
    gcpLength: 7,
    dosageForm: 'device',
    route: 'OTHER',
    storageMinC: 2,
    storageMaxC: 30,
    implantable: false,
  },
  {
    gtin: gtin('0050011122006'),
    name: 'Transcatheter aortic valve, 26 mm',
    kind: 'DEVICE',
    gcpLength: 7,
    dosageForm: 'implant',
    route: 'OTHER',
    storageMinC: 5,
    storageMaxC: 25,
    implantable: true,
  },
] as const;

const YEAR = new Date().getUTCFullYear();

export const DEMO_APPROVALS = [
  {
    approvalNo: `HNMPA-${YEAR}-0001`,
    gtin: DEMO_PRODUCTS[0].gtin,
    institutionCode: 'HOSP-RUIJIN',
    patientRef: null,
    indications: ['HER2-positive metastatic breast cancer'],
    quantity: 500,
    validFrom: `${YEAR}-01-01`,
    validTo: `${YEAR + 1}-12-31`,
  },
  {
    approvalNo: `HNMPA-${YEAR}-0002`,
    gtin: DEMO_PRODUCTS[1].gtin,
    institutionCode: 'HOSP-BOAO',
    patientRef: null,
    indications: ['moderate plaque psoriasis'],
    quantity: 200,
    validFrom: `${YEAR}-01-01`,
    validTo: `${YEAR + 1}-12-31`,
  },
  {
    approvalNo: `HNMPA-${YEAR}-0003`,
    gtin: DEMO_PRODUCTS[2].gtin,
    institutionCode: 'HOSP-RUIJIN',
    patientRef: null,
    indications: ['EGFR-mutated non-small cell lung cancer'],
    quantity: 300,
    validFrom: `${YEAR}-01-01`,
    validTo: `${YEAR + 1}-12-31`,
  },
  {
    approvalNo: `HNMPA-${YEAR}-0004`,
    gtin: DEMO_PRODUCTS[3].gtin,
    institutionCode: 'HOSP-BOAO',
    patientRef: null,
    indications: ['type 1 diabetes mellitus'],
    quantity: 400,
    validFrom: `${YEAR}-01-01`,
    validTo: `${YEAR + 1}-12-31`,
  },
  {
    approvalNo: `HNMPA-${YEAR}-0005`,
    gtin: DEMO_PRODUCTS[4].gtin,
    institutionCode: 'HOSP-BOAO',
    patientRef: null,
    indications: ['glucose monitoring in diabetes'],
    quantity: 1000,
    validFrom: `${YEAR}-01-01`,
    validTo: `${YEAR + 1}-12-31`,
  },
  {
    approvalNo: `HNMPA-${YEAR}-0006`,
    gtin: DEMO_PRODUCTS[5].gtin,
    institutionCode: 'HOSP-RUIJIN',
    patientRef: 'demo-patient-ref-0001',
    indications: ['severe aortic stenosis'],
    quantity: 1,
    validFrom: `${YEAR}-01-01`,
    validTo: `${YEAR}-12-31`,
  },
] as const;
