import { gs1CheckDigit } from '@trace/identifiers';
import type { Client } from 'pg';

export const GS = '\u001d';
export const GTIN = '09506000134352';
export const GCP = '9506000';
export const IMPORTER = 'IMP-1';
export const WAREHOUSE = 'BW-1';
export const IMPORTER_SITE = 'IMP-1-PORT';
export const IMPORTER_SGLN = 'urn:epc:id:sgln:9506000.00001.0';
export const WAREHOUSE_SITE = 'BW-1-A';
export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/** Organisations, sites and the product the ingest suites scan. */
export async function seedIngestMasterData(db: Client) {
  await db.query(`
    INSERT INTO organisations (code, name, type) VALUES
      ('${IMPORTER}', 'Importer One', 'IMPORTER'),
      ('${WAREHOUSE}', 'Bonded Warehouse One', 'BONDED_WAREHOUSE'),
      ('REG-1', 'Regulator', 'REGULATOR');
    INSERT INTO locations (code, organisation_code, name, sgln) VALUES
      ('${IMPORTER_SITE}', '${IMPORTER}', 'Port office', '${IMPORTER_SGLN}'),
      ('${WAREHOUSE_SITE}', '${WAREHOUSE}', 'Ambient store', 'urn:epc:id:sgln:9506000.00002.0');
    INSERT INTO products (gtin, name, kind, gcp_length, dosage_form, route) VALUES
      ('${GTIN}', 'Test drug', 'DRUG', 7, 'tablet', 'ORAL');`);
}

/** GS1 DataMatrix data as a scanner sends it: ]d2, GTIN, expiry, lot, GS, serial. */
export const packScan = (serial: string, lot = 'LOT1', expiry = '280630') =>
  `]d201${GTIN}17${expiry}10${lot}${GS}21${serial}`;

export const sgtin = (serial: string) => `urn:epc:id:sgtin:${GCP}.0${GTIN.slice(8, 13)}.${serial}`;

/** An SSCC of our company prefix with a valid check digit. */
export function sscc(n: number): string {
  const body = `0${GCP}${String(n).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
}

export function epcisDocument(events: Record<string, unknown>[]) {
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T10:00:00.000+08:00',
    epcisBody: { eventList: events },
  };
}

export function commissioning(eventID: string, serials: string[]) {
  return {
    type: 'ObjectEvent',
    eventID,
    eventTime: '2026-06-01T10:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    epcList: serials.map(sgtin),
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    bizLocation: { id: IMPORTER_SGLN },
    ilmd: { 'cbvmda:lotNumber': 'LOT1', 'cbvmda:itemExpirationDate': '2028-06-30' },
  };
}

export function observe(eventID: string, serials: string[], bizStep: string, disposition: string) {
  return {
    type: 'ObjectEvent',
    eventID,
    eventTime: '2026-06-02T10:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    epcList: serials.map(sgtin),
    action: 'OBSERVE',
    bizStep,
    disposition,
  };
}
