import { gs1CheckDigit, hasValidGs1CheckDigit, normaliseGtin } from './check-digit';
import { lintCset82 } from './gs1-linters';

/**
 * EPC pure-identity URNs (GS1 EPC Tag Data Standard). Turning a GTIN, SSCC or GLN into a URN
 * needs the GS1 Company Prefix length, which the key itself does not tell: keep it in the
 * product or party master data. Builders throw RangeError on input GS1 would refuse;
 * parsers return null for anything that is not such a URN.
 */

export const MIN_GCP_LENGTH = 6;
export const MAX_GCP_LENGTH = 12;

/** CSET 82 characters that TDS requires %-escaped in an EPC URI. */
const URN_ESCAPED = new Set(['"', '%', '&', '/', '<', '>', '?']);

function checkGcpLength(gcpLength: number): void {
  if (!Number.isInteger(gcpLength) || gcpLength < MIN_GCP_LENGTH || gcpLength > MAX_GCP_LENGTH) {
    throw new RangeError(
      `GS1 Company Prefix length must be ${MIN_GCP_LENGTH}-${MAX_GCP_LENGTH}: ${gcpLength}`,
    );
  }
}

/** A serial, lot or GLN extension (CSET 82, up to 20 characters) escaped for a URN. */
function escapeUrnComponent(value: string, what: string): string {
  if (value.length === 0 || value.length > 20 || lintCset82(value)) {
    throw new RangeError(`${what} must be 1-20 GS1 CSET 82 characters: ${JSON.stringify(value)}`);
  }
  return [...value]
    .map((c) => (URN_ESCAPED.has(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c))
    .join('');
}

function unescapeUrnComponent(escaped: string): string | null {
  if (/%(?![0-9A-Fa-f]{2})/.test(escaped)) return null;
  const value = escaped.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  return value.length > 0 && value.length <= 20 && !lintCset82(value) ? value : null;
}

function gtin14(gtin: string): string {
  const normalised = normaliseGtin(gtin);
  if (!normalised) throw new RangeError(`not a GTIN with a valid check digit: ${gtin}`);
  return normalised;
}

/** "<GCP>.<indicator + item reference>" of a GTIN-14. */
function gtinClassPart(gtin: string, gcpLength: number): string {
  checkGcpLength(gcpLength);
  const digits = gtin14(gtin);
  return `${digits.slice(1, 1 + gcpLength)}.${digits[0]}${digits.slice(1 + gcpLength, 13)}`;
}

/** GTIN-14 from "<GCP>.<indicator + item reference>" parts; null if they do not make one. */
function gtinFromClassPart(companyPrefix: string, indicatorAndItem: string): string | null {
  if (companyPrefix.length < MIN_GCP_LENGTH || companyPrefix.length > MAX_GCP_LENGTH) return null;
  if (companyPrefix.length + indicatorAndItem.length !== 13) return null;
  const body = indicatorAndItem[0] + companyPrefix + indicatorAndItem.slice(1);
  return body + gs1CheckDigit(body);
}

/** `urn:epc:id:sgtin:<GCP>.<indicator+itemRef>.<serial>` for one serialised pack. */
export function gtinToSgtinUrn(gtin: string, serial: string, gcpLength: number): string {
  return `urn:epc:id:sgtin:${gtinClassPart(gtin, gcpLength)}.${escapeUrnComponent(serial, 'serial')}`;
}

export interface SerialisedGtin {
  readonly gtin: string;
  readonly serial: string;
  readonly gcpLength: number;
}

export function sgtinUrnToGtin(urn: string): SerialisedGtin | null {
  const m = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(urn);
  if (!m) return null;
  const gtin = gtinFromClassPart(m[1], m[2]);
  const serial = unescapeUrnComponent(m[3]);
  return gtin && serial !== null ? { gtin, serial, gcpLength: m[1].length } : null;
}

/** `urn:epc:class:lgtin:<GCP>.<indicator+itemRef>.<lot>`: all packs of one lot. */
export function lgtinClassUrn(gtin: string, lot: string, gcpLength: number): string {
  return `urn:epc:class:lgtin:${gtinClassPart(gtin, gcpLength)}.${escapeUrnComponent(lot, 'lot')}`;
}

export interface GtinLot {
  readonly gtin: string;
  readonly lot: string;
  readonly gcpLength: number;
}

export function lgtinClassUrnToGtin(urn: string): GtinLot | null {
  const m = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(urn);
  if (!m) return null;
  const gtin = gtinFromClassPart(m[1], m[2]);
  const lot = unescapeUrnComponent(m[3]);
  return gtin && lot !== null ? { gtin, lot, gcpLength: m[1].length } : null;
}

/** `urn:epc:id:sscc:<GCP>.<extension digit + serial reference>` of an 18-digit SSCC. */
export function ssccToUrn(sscc: string, gcpLength: number): string {
  checkGcpLength(gcpLength);
  if (!/^\d{18}$/.test(sscc) || !hasValidGs1CheckDigit(sscc)) {
    throw new RangeError(`not an SSCC with a valid check digit: ${sscc}`);
  }
  return `urn:epc:id:sscc:${sscc.slice(1, 1 + gcpLength)}.${sscc[0]}${sscc.slice(1 + gcpLength, 17)}`;
}

export function urnToSscc(urn: string): string | null {
  const m = /^urn:epc:id:sscc:(\d+)\.(\d+)$/.exec(urn);
  if (!m || m[1].length < MIN_GCP_LENGTH || m[1].length > MAX_GCP_LENGTH) return null;
  if (m[1].length + m[2].length !== 17) return null;
  const body = m[2][0] + m[1] + m[2].slice(1);
  return body + gs1CheckDigit(body);
}

/**
 * `urn:epc:id:sgln:<GCP>.<location reference>.<extension>` of a GLN; without an extension
 * (AI 254) TDS writes "0".
 */
export function glnToSglnUrn(
  gln: string,
  extension: string | undefined,
  gcpLength: number,
): string {
  checkGcpLength(gcpLength);
  if (!/^\d{13}$/.test(gln) || !hasValidGs1CheckDigit(gln)) {
    throw new RangeError(`not a GLN with a valid check digit: ${gln}`);
  }
  const ext = extension === undefined ? '0' : escapeUrnComponent(extension, 'GLN extension');
  return `urn:epc:id:sgln:${gln.slice(0, gcpLength)}.${gln.slice(gcpLength, 12)}.${ext}`;
}

export interface GlnWithExtension {
  readonly gln: string;
  /** Undefined for the TDS "no extension" value "0". */
  readonly extension?: string;
  readonly gcpLength: number;
}

export function sglnUrnToGln(urn: string): GlnWithExtension | null {
  const m = /^urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)$/.exec(urn);
  if (!m || m[1].length < MIN_GCP_LENGTH || m[1].length > MAX_GCP_LENGTH) return null;
  if (m[1].length + m[2].length !== 12) return null;
  const body = m[1] + m[2];
  const gln = body + gs1CheckDigit(body);
  if (m[3] === '0') return { gln, gcpLength: m[1].length };
  const extension = unescapeUrnComponent(m[3]);
  return extension === null ? null : { gln, extension, gcpLength: m[1].length };
}
