import { GS1_AI_DICTIONARY, type AiDictionary } from './ai-dictionary';
import { checkAiValue } from './ai-value-validator';
import { normaliseGtin } from './check-digit';
import type { AiValue } from './gs1-element-string-parser';
import { describeScanFailure } from './scan-failure';

export const CANONICAL_DIGITAL_LINK_STEM = 'https://id.gs1.org';

/** %-escapes all but RFC 3986 unreserved characters; in a query a space becomes "+". */
function percentEncode(value: string, inQuery: boolean): string {
  let out = '';
  for (const c of value) {
    if (/[A-Za-z0-9\-._~]/.test(c)) out += c;
    else if (inQuery && c === ' ') out += '+';
    else out += `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A GS1 Digital Link URI for AI data: the first AI that is a primary key goes in the path,
 * followed by those of its qualifiers that are present, in the dlpkey order that covers the
 * most of them; the other AIs become query attributes, fixed-length ones first.
 * Throws RangeError when the data has no primary key or an AI cannot be a query attribute.
 */
export function buildDigitalLink(
  ais: readonly AiValue[],
  stem: string = CANONICAL_DIGITAL_LINK_STEM,
  dictionary: AiDictionary = GS1_AI_DICTIONARY,
): string {
  const key = ais.find((a) => dictionary.isDlPrimaryKey(a.ai));
  if (!key) throw new RangeError('no GS1 Digital Link primary key among the AIs');
  const alternatives = dictionary.lookupAi(key.ai)?.dlQualifierSequences ?? [];
  let qualifiers: string[] = [];
  for (const order of alternatives) {
    const present = order.filter((q) => ais.some((a) => a.ai === q));
    if (present.length > qualifiers.length) qualifiers = present;
  }
  const inPath = [key.ai, ...qualifiers];
  const path = inPath
    .map((ai) => ais.find((a) => a.ai === ai) as AiValue)
    .map(({ ai, value }) => `/${ai}/${percentEncode(value, false)}`)
    .join('');

  const rest = ais.filter(
    (a, i) => !inPath.includes(a.ai) && ais.findIndex((b) => b.ai === a.ai) === i,
  );
  const isFixed = (ai: string): boolean => dictionary.lookupAi(ai)?.fixedLength ?? false;
  const attributes = [...rest.filter((a) => isFixed(a.ai)), ...rest.filter((a) => !isFixed(a.ai))];
  for (const { ai } of attributes) {
    if (!dictionary.lookupAi(ai)?.dlDataAttribute) {
      throw new RangeError(`AI (${ai}) cannot be a GS1 Digital Link query attribute`);
    }
  }
  const query = attributes.map(({ ai, value }) => `${ai}=${percentEncode(value, true)}`).join('&');
  return `${stem.replace(/\/+$/, '')}${path}${query ? `?${query}` : ''}`;
}

export interface PackIdentifiers {
  /** GTIN-8/12/13/14; written as GTIN-14. */
  readonly gtin: string;
  readonly lot?: string;
  readonly serial?: string;
  /** 'YYYY-MM-DD', or the GS1 'YYMMDD' as printed (to keep a day 00). */
  readonly expiry?: string;
}

function checkedValue(ai: string, value: string, dictionary: AiDictionary): AiValue {
  const definition = dictionary.lookupAi(ai);
  const failure = definition ? checkAiValue(definition, value) : { reason: 'UNKNOWN_AI' as const };
  if (failure)
    throw new RangeError(
      describeScanFailure({ ...failure, ai, value }, (a) => dictionary.lookupAi(a)?.title ?? a),
    );
  return { ai, value };
}

/**
 * The Digital Link of a pack: `{host}/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD`. The host may
 * carry a custom path. Throws RangeError for a GTIN, lot, serial or expiry GS1 would refuse.
 */
export function toDigitalLink(
  pack: PackIdentifiers,
  host: string = CANONICAL_DIGITAL_LINK_STEM,
  dictionary: AiDictionary = GS1_AI_DICTIONARY,
): string {
  const gtin = normaliseGtin(pack.gtin);
  if (!gtin) throw new RangeError(`not a GTIN with a valid check digit: ${pack.gtin}`);
  const ais: AiValue[] = [{ ai: '01', value: gtin }];
  if (pack.lot !== undefined) ais.push(checkedValue('10', pack.lot, dictionary));
  if (pack.serial !== undefined) ais.push(checkedValue('21', pack.serial, dictionary));
  if (pack.expiry !== undefined) {
    const iso = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(pack.expiry);
    ais.push(checkedValue('17', iso ? iso.slice(1).join('') : pack.expiry, dictionary));
  }
  return buildDigitalLink(ais, host, dictionary);
}
